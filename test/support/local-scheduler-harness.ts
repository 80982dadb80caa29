/** The local EventBridge Scheduler emulator driven by the real gateway on a fake clock, for its tests. */
import { EventBridgeScheduleGateway } from '../../lambdas/adapters/eventbridge-scheduler/eventbridge-schedule-gateway';
import type { Clock } from '../../lambdas/core/ports';
import type { ScheduledJob } from '../../lambdas/core/scheduled-jobs';
import {
  type ScheduleRequest,
  toSchedulerSchedule,
  validateScheduleRequest,
} from '../../lambdas/core/schedules';
import { LOCAL_SCHEDULER, LocalScheduler, type LocalSchedulerProps } from '../../local/local-scheduler';

export const ID = '3f2b8c4d-5e6f-4a1b-8c9d-0e1f2a3b4c5d';
export const CONFIG = {
  ...LOCAL_SCHEDULER,
  targetArn: 'arn:aws:states:local:000000000000:stateMachine:countersign-run-job',
};
export const HOUR_MS = 3_600_000;

export class SettableClock implements Clock {
  private current: number;

  constructor(iso: string) {
    this.current = Date.parse(iso);
  }

  now(): Date {
    return new Date(this.current);
  }

  set(iso: string): void {
    this.current = Date.parse(iso);
  }

  advance(ms: number): void {
    this.current += ms;
  }
}

export interface Invocation {
  readonly targetArn: string;
  readonly input: { readonly scheduled_job_id: string; readonly scheduled_time: string };
}

/** The emulator and the real gateway on one fake clock, recording every target invocation. */
export function harness(start: string, options: { directory?: string; failures?: number } = {}) {
  const clock = new SettableClock(start);
  const invocations: Invocation[] = [];
  let failuresLeft = options.failures ?? 0;
  const props: LocalSchedulerProps = {
    clock,
    directory: options.directory,
    invokeTarget: async (targetArn, input) => {
      invocations.push({ targetArn, input: JSON.parse(input) });
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        throw new Error('state machine unavailable');
      }
    },
    onError: () => undefined,
  };
  const scheduler = new LocalScheduler(props);
  const gateway = new EventBridgeScheduleGateway({ client: scheduler, ...CONFIG, clock });
  const firedAt = () => invocations.map((invocation) => invocation.input.scheduled_time);
  /** Moves the clock forward in steps, letting the scheduler look for due occurrences after each. */
  const runUntil = async (iso: string, stepMs = 15 * 60_000) => {
    const end = Date.parse(iso);
    while (clock.now().getTime() < end) {
      clock.set(new Date(Math.min(clock.now().getTime() + stepMs, end)).toISOString());
      await scheduler.runDue();
    }
  };
  return { clock, invocations, firedAt, scheduler, gateway, props, runUntil };
}

/** The path a request takes in production: validated schedule → toSchedulerSchedule → ScheduledJob.schedule. */
export function scheduledJob(
  request: ScheduleRequest,
  now: Date,
  overrides: Partial<ScheduledJob> = {},
): ScheduledJob {
  const validated = validateScheduleRequest(request, now);
  if (!validated.ok) throw new Error(`Invalid test schedule: ${JSON.stringify(validated.errors)}`);
  const { schedule } = validated;
  return {
    id: ID,
    name: schedule.name ?? '',
    jobPath: 'local/example/MyJob',
    interval: schedule.interval,
    startTime: schedule.startTime?.toISOString(),
    timeZone: schedule.timeZone,
    crontab: schedule.crontab,
    oneOff: schedule.interval === 'future',
    enabled: true,
    user: 'alice',
    data: {},
    totalRunCount: 0,
    dateCreated: now.toISOString(),
    approvalRequired: false,
    approvalStatus: 'not_required',
    history: [],
    schedule: toSchedulerSchedule(schedule),
    claims: {},
    ...overrides,
  };
}

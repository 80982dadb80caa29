import type { FlexibleTimeWindow, Target } from '@aws-sdk/client-scheduler';
import type { SchedulerSchedule } from '../../lambdas/core/schedules';

/**
 * A schedule as the emulator holds it, for inspection: the core schedule form (what the evaluator
 * reads, under the names the gateway stores it by) plus what EventBridge keeps beside it.
 */
export interface LocalSchedule extends SchedulerSchedule {
  readonly arn: string;
  readonly groupName: string;
  readonly name: string;
  readonly description?: string | undefined;
  readonly state: 'ENABLED' | 'DISABLED';
  readonly target: Target;
  readonly creationDate: string;
  readonly lastModificationDate: string;
  /** The latest occurrence delivered (first attempt made), ISO 8601. */
  readonly lastFired?: string | undefined;
}

/** A schedule as kept (and saved): what `list()` shows, plus the fields only the emulator needs. */
export interface StoredSchedule extends Omit<LocalSchedule, 'arn' | 'lastFired'> {
  readonly flexibleTimeWindow: FlexibleTimeWindow;
  /** Occurrences at or before this instant are done with: delivered, or passed over on purpose. */
  checkedThrough: string;
  lastFired?: string | undefined;
}

/** A schedule as CreateSchedule and UpdateSchedule give it, before the emulator's bookkeeping. */
export type ValidSchedule = Omit<
  StoredSchedule,
  'creationDate' | 'lastModificationDate' | 'checkedThrough' | 'lastFired'
>;

const ACCOUNT = '000000000000';
const REGION = 'local';

export function keyOf(groupName: string, name: string): string {
  return `${groupName}/${name}`;
}

export function scheduleArn(groupName: string, name: string): string {
  return `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/${groupName}/${name}`;
}

/** `checkedThrough` moved up to `now`, never back. */
export function checkedThroughAt(now: number, checkedThrough: string): string {
  return new Date(Math.max(now, Date.parse(checkedThrough))).toISOString();
}

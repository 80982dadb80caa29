import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GetScheduleOutput, UpdateScheduleInput } from '@aws-sdk/client-scheduler';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DeleteScheduleCommand,
  GetScheduleCommand,
  UpdateScheduleCommand,
} from '../../lambdas/adapters/eventbridge-scheduler/scheduler-client';
import { LOCAL_START_OCCURRENCE } from '../../local/composition';
import { LOCAL_SCHEDULER } from '../../local/local-scheduler';
import { LOCAL_STATE_MACHINE_ARN } from '../../local/local-workflow';
import { FixedClock } from '../support/in-memory-stores';
import { startTestServer } from '../support/local-server';

const RUN = '/api/extras/jobs/local/example/MyJobWithNoVars/run/';
const START = '2030-09-01T00:00:00.000Z';
const RUN_AT = '2030-09-01T01:00:00.000Z';

type TestServer = Awaited<ReturnType<typeof startTestServer>>;

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function started(options: Parameters<typeof startTestServer>[0]): Promise<TestServer> {
  const server = await startTestServer({ startScheduler: false, ...options });
  cleanups.push(() => server.close());
  return server;
}

/** A one-off for RUN_AT, through the API. */
async function scheduleOneOff(server: TestServer, name: string): Promise<string> {
  const response = await server.api.post(RUN, {
    schedule: { name, interval: 'future', start_time: RUN_AT },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.scheduled_job.id;
}

/** What a crash between the database write and the scheduler call leaves: the job without its schedule. */
async function loseSchedule(server: TestServer, id: string): Promise<void> {
  await server.scheduler.send(new DeleteScheduleCommand({ Name: id, GroupName: LOCAL_SCHEDULER.groupName }));
  expect(server.scheduler.list().map((schedule) => schedule.name)).not.toContain(id);
}

async function runsAt(server: TestServer, clock: FixedClock, id: string): Promise<number> {
  clock.set(RUN_AT);
  await server.scheduler.runDue();
  await server.workflow.idle();
  return (await server.api.get(`/api/extras/scheduled-jobs/${id}/`)).body.total_run_count;
}

describe('Schedule reconciliation', () => {
  it('puts back a lost schedule when the server starts again, and the job then runs', async () => {
    // Prepare
    const dataDir = await mkdtemp(join(tmpdir(), 'countersign-reconcile-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const clock = new FixedClock(new Date(START));
    const first = await startTestServer({ dataDir, clock, startScheduler: false });
    const id = await scheduleOneOff(first, 'lost in a crash');
    await loseSchedule(first, id);
    await first.close();

    // Act
    const second = await started({ dataDir, clock });

    // Assess
    expect(second.scheduler.list()).toContainEqual(expect.objectContaining({ name: id, state: 'ENABLED' }));
    expect(await runsAt(second, clock, id)).toBe(1);
  });

  it('puts back a lost schedule on a reconcile pass, and leaves a matching one alone', async () => {
    // Prepare
    const clock = new FixedClock(new Date(START));
    const server = await started({ clock });
    const id = await scheduleOneOff(server, 'lost while running');
    await loseSchedule(server, id);

    // Act
    const repair = await server.reconcile();
    const again = await server.reconcile();

    // Assess
    expect(repair).toEqual({ checked: 1, repaired: 1, failed: 0, abandonedRuns: 0, handoffsFinished: 0 });
    expect(again).toEqual({ checked: 1, repaired: 0, failed: 0, abandonedRuns: 0, handoffsFinished: 0 });
    expect(await runsAt(server, clock, id)).toBe(1);
    expect(server.metrics.count('SchedulesRepaired')).toBe(1);
    expect(server.metrics.count('RunsFinished', { status: 'SUCCESS' })).toBe(1);
  });

  it('disables the schedule of a paused job that was left ENABLED, so it does not fire', async () => {
    // Prepare
    const clock = new FixedClock(new Date(START));
    const server = await started({ clock });
    const id = await scheduleOneOff(server, 'paused');
    const paused = await server.api.request('PATCH', `/api/extras/scheduled-jobs/${id}/`, {
      body: { enabled: false },
    });
    expect(paused.status).toBe(200);
    const name = { Name: id, GroupName: LOCAL_SCHEDULER.groupName };
    const schedule = (await server.scheduler.send(new GetScheduleCommand(name))) as GetScheduleOutput;
    await server.scheduler.send(
      new UpdateScheduleCommand({ ...schedule, ...name, State: 'ENABLED' } as UpdateScheduleInput),
    );

    // Act
    const summary = await server.reconcile();

    // Assess
    expect(summary).toEqual({ checked: 1, repaired: 1, failed: 0, abandonedRuns: 0, handoffsFinished: 0 });
    expect(server.scheduler.list()).toContainEqual(expect.objectContaining({ name: id, state: 'DISABLED' }));
    expect(await runsAt(server, clock, id)).toBe(0);
  });

  it('re-points a schedule made when schedules started the state machine, without an alarm', async () => {
    // Prepare: the schedule as it was put before the start-occurrence function was its target.
    const clock = new FixedClock(new Date(START));
    const server = await started({ clock });
    const id = await scheduleOneOff(server, 'made before the upgrade');
    const name = { Name: id, GroupName: LOCAL_SCHEDULER.groupName };
    const schedule = (await server.scheduler.send(new GetScheduleCommand(name))) as GetScheduleOutput;
    await server.scheduler.send(
      new UpdateScheduleCommand({
        ...schedule,
        ...name,
        Target: { ...schedule.Target, Arn: LOCAL_STATE_MACHINE_ARN },
      } as UpdateScheduleInput),
    );

    // Act
    const summary = await server.reconcile();

    // Assess
    expect(summary).toEqual({ checked: 1, repaired: 1, failed: 0, abandonedRuns: 0, handoffsFinished: 0 });
    const target = server.scheduler.list().find((listed) => listed.name === id)?.target.Arn;
    expect(target).toBe(LOCAL_START_OCCURRENCE.functionArn);
    expect(server.metrics.count('SchedulesRepaired')).toBe(0);
    expect(await runsAt(server, clock, id)).toBe(1);
  });
});

/** Everything core's use cases take, as in-memory fakes, for unit tests. */
import { CountingBusinessMetrics } from '../../lambdas/adapters/metrics/counting-business-metrics';
import type { Principal } from '../../lambdas/core/permissions';
import { coreCatalogue } from './core-catalogue';
import { InMemoryScheduledJobStore } from './in-memory-scheduled-job-store';
import {
  FixedClock,
  InMemoryInputSealer,
  InMemoryJobResultStore,
  RecordingEventPublisher,
  RecordingScheduleGateway,
  RecordingWorkflowStarter,
  SequentialIds,
} from './in-memory-stores';

export function coreDeps(now: Date = new Date('2026-11-25T12:00:00.000Z')) {
  return {
    catalogue: coreCatalogue,
    results: new InMemoryJobResultStore(),
    workflow: new RecordingWorkflowStarter(),
    inputSealer: new InMemoryInputSealer(),
    scheduledJobs: new InMemoryScheduledJobStore(),
    scheduler: new RecordingScheduleGateway(),
    events: new RecordingEventPublisher(),
    clock: new FixedClock(now),
    ids: new SequentialIds(),
    metrics: new CountingBusinessMetrics(),
  };
}

/** A principal who may view and run every job. */
export function runner(username: string, permissions: string[] = ['view', 'run']): Principal {
  return { username, isSuperuser: false, permissions, writeEnabled: true };
}

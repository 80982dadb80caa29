/** In-memory fakes of core's ports, with the same conditional semantics as the DynamoDB adapters. */
import { ConflictError, NotFoundError, SealedInputError, StaleStateError } from '../../lambdas/core/errors';
import {
  FINISHED_STATUSES,
  type JobResult,
  type JobResultFilter,
  MAX_LOG_LINES,
} from '../../lambdas/core/job-results';
import type { LogLine } from '../../lambdas/core/jobs';
import type { Page, PageRequest } from '../../lambdas/core/pagination';
import type {
  Clock,
  DomainEvent,
  EventPublisher,
  IdGenerator,
  InputSealer,
  JobResultStore,
  RunOutcome,
  ScheduleGateway,
  ScheduleState,
  TokenStore,
  UserStore,
  WorkflowRun,
  WorkflowStarter,
} from '../../lambdas/core/ports';
import type { ScheduledJob } from '../../lambdas/core/scheduled-jobs';
import type { Token, User } from '../../lambdas/core/users';

function pageOf<T>(items: readonly T[], page: PageRequest): Page<T> {
  const start = page.cursor === undefined ? 0 : Number(page.cursor);
  const slice = items.slice(start, start + page.limit);
  const end = start + slice.length;
  return {
    items: slice,
    next: end < items.length ? String(end) : undefined,
    previous: start > 0 ? String(Math.max(0, start - page.limit)) : undefined,
  };
}

export class InMemoryJobResultStore implements JobResultStore {
  readonly items = new Map<string, JobResult>();

  async create(result: JobResult): Promise<void> {
    if (this.items.has(result.id)) throw new ConflictError(`Job result ${result.id} exists.`);
    this.items.set(result.id, structuredClone(result));
  }

  async get(id: string): Promise<JobResult | undefined> {
    const found = this.items.get(id);
    return found && structuredClone(found);
  }

  async list(filter: JobResultFilter, page: PageRequest): Promise<Page<JobResult>> {
    const matching = [...this.items.values()]
      .filter(
        (r) =>
          (filter.jobPath === undefined || r.jobPath === filter.jobPath) &&
          (filter.status === undefined || r.status === filter.status) &&
          (filter.scheduledJob === undefined || r.scheduledJob === filter.scheduledJob),
      )
      .sort((a, b) => b.dateCreated.localeCompare(a.dateCreated) || b.id.localeCompare(a.id));
    return pageOf(matching, page);
  }

  async count(filter: JobResultFilter): Promise<number> {
    return (await this.list(filter, { limit: Number.MAX_SAFE_INTEGER })).items.length;
  }

  /** Counts are computed, so they never drift. */
  async repairCounts(): Promise<number> {
    return 0;
  }

  async markStarted(id: string, execution: string, at: string): Promise<JobResult> {
    const found = this.items.get(id);
    if (!found) throw new NotFoundError(`No job result ${id}.`);
    if (found?.status === 'STARTED' && found.execution === execution) return structuredClone(found);
    if (found?.status !== 'PENDING') throw new StaleStateError();
    const updated: JobResult = { ...found, status: 'STARTED', execution, dateStarted: at };
    this.items.set(id, updated);
    return structuredClone(updated);
  }

  async abandon(id: string, error: string, at: string): Promise<boolean> {
    const found = this.items.get(id);
    if (found?.status !== 'PENDING') return false;
    this.items.set(id, { ...found, status: 'FAILURE', error, dateDone: at });
    return true;
  }

  async appendLogs(id: string, lines: readonly LogLine[]): Promise<void> {
    const found = this.items.get(id);
    if (found?.status !== 'STARTED') throw new StaleStateError();
    this.items.set(id, { ...found, logs: [...found.logs, ...lines].slice(0, MAX_LOG_LINES) });
  }

  async finish(id: string, outcome: RunOutcome, at: string): Promise<JobResult> {
    const found = this.items.get(id);
    if (!found) throw new NotFoundError(`No job result ${id}.`);
    if (FINISHED_STATUSES.includes(found.status)) {
      if (found.status === outcome.status) return structuredClone(found);
      throw new StaleStateError();
    }
    const updated: JobResult = {
      ...found,
      status: outcome.status,
      output: outcome.output,
      error: outcome.status === 'SUCCESS' ? undefined : outcome.error,
      dateDone: at,
    };
    this.items.set(id, updated);
    return structuredClone(updated);
  }

  async listUnfinished(page: PageRequest): Promise<Page<JobResult>> {
    const unfinished = [...this.items.values()]
      .filter((r) => r.status === 'PENDING' || r.status === 'STARTED')
      .sort((a, b) => a.dateCreated.localeCompare(b.dateCreated));
    return pageOf(unfinished, page);
  }
}

export class InMemoryUserStore implements UserStore {
  readonly items = new Map<string, User>();

  async create(user: User): Promise<void> {
    if (this.items.has(user.username)) throw new ConflictError(`User ${user.username} exists.`);
    this.items.set(user.username, user);
  }

  async get(username: string): Promise<User | undefined> {
    return this.items.get(username);
  }

  async count(): Promise<number> {
    return this.items.size;
  }

  async list(page: PageRequest): Promise<Page<User>> {
    return pageOf(
      [...this.items.values()].sort((a, b) => a.username.localeCompare(b.username)),
      page,
    );
  }
}

export class InMemoryTokenStore implements TokenStore {
  readonly items = new Map<string, Token>();

  async create(token: Token): Promise<void> {
    if (this.items.has(token.keyHash)) throw new ConflictError('Token exists.');
    this.items.set(token.keyHash, token);
  }

  async findByKeyHash(keyHash: string): Promise<Token | undefined> {
    return this.items.get(keyHash);
  }

  async findById(id: string): Promise<Token | undefined> {
    return [...this.items.values()].find((t) => t.id === id);
  }

  async delete(keyHash: string): Promise<boolean> {
    return this.items.delete(keyHash);
  }

  async count(filter: { readonly user?: string | undefined }): Promise<number> {
    return (await this.list(filter, { limit: Number.MAX_SAFE_INTEGER })).items.length;
  }

  async list(filter: { readonly user?: string | undefined }, page: PageRequest): Promise<Page<Token>> {
    const tokens = [...this.items.values()]
      .filter((t) => filter.user === undefined || t.user === filter.user)
      .sort((a, b) => b.created.localeCompare(a.created));
    return pageOf(tokens, page);
  }
}

export class RecordingWorkflowStarter implements WorkflowStarter {
  readonly started: WorkflowRun[] = [];
  failWith: Error | undefined;

  async startRun(request: WorkflowRun): Promise<string> {
    if (this.failWith) throw this.failWith;
    this.started.push(request);
    return `execution:${request.jobResultId}`;
  }

  /** Occurrences started directly (approved requests run now), as the scheduler would start them. */
  readonly occurrences: { scheduledJobId: string; scheduledTime: string }[] = [];

  async startOccurrence(occurrence: { scheduledJobId: string; scheduledTime: string }): Promise<string> {
    if (this.failWith) throw this.failWith;
    this.occurrences.push({ ...occurrence });
    return `execution:${occurrence.scheduledJobId}@${occurrence.scheduledTime}`;
  }
}

export class RecordingEventPublisher implements EventPublisher {
  readonly published: DomainEvent[] = [];
  failWith: Error | undefined;

  async publish(event: DomainEvent): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.published.push(event);
  }
}

/** Seals to an opaque handle that carries nothing of the input; opens only for the same job result. */
export class InMemoryInputSealer implements InputSealer {
  readonly sealed = new Map<
    string,
    { readonly jobResultId: string; readonly data: Record<string, unknown> }
  >();

  async seal(data: Record<string, unknown>, context: { readonly jobResultId: string }): Promise<string> {
    const handle = `sealed-${this.sealed.size + 1}`;
    this.sealed.set(handle, { jobResultId: context.jobResultId, data: structuredClone(data) });
    return handle;
  }

  async open(sealed: string, context: { readonly jobResultId: string }): Promise<Record<string, unknown>> {
    const entry = this.sealed.get(sealed);
    if (entry?.jobResultId !== context.jobResultId) throw new SealedInputError();
    return structuredClone(entry.data);
  }
}

export class FixedClock implements Clock {
  constructor(private current: Date = new Date('2026-11-25T12:00:00.000Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
  set(time: Date | string): void {
    this.current = new Date(time);
  }
}

export class SequentialIds implements IdGenerator {
  private next = 1;
  newId(): string {
    return `00000000-0000-4000-8000-${String(this.next++).padStart(12, '0')}`;
  }
}

/** Schedules as the jobs they were put from; `calls` records the changes, not the reads. */
export class RecordingScheduleGateway implements ScheduleGateway {
  readonly schedules = new Map<string, ScheduledJob>();
  readonly calls: string[] = [];
  failPutWith: Error | undefined;
  /** Fails the puts of these scheduled jobs only. */
  readonly failPutOf = new Map<string, Error>();
  /** Schedules that still invoke an earlier target, until they are put again. */
  readonly outdatedTargets = new Set<string>();

  async put(job: ScheduledJob): Promise<void> {
    this.calls.push(`put:${job.id}:${job.enabled ? 'ENABLED' : 'DISABLED'}`);
    const failure = this.failPutWith ?? this.failPutOf.get(job.id);
    if (failure) throw failure;
    this.schedules.set(job.id, job);
    this.outdatedTargets.delete(job.id);
  }

  async delete(scheduledJobId: string): Promise<void> {
    this.calls.push(`delete:${scheduledJobId}`);
    this.schedules.delete(scheduledJobId);
  }

  async describe(scheduledJobId: string): Promise<ScheduleState | undefined> {
    const schedule = this.schedules.get(scheduledJobId);
    return (
      schedule && {
        state: schedule.enabled ? 'ENABLED' : 'DISABLED',
        currentTarget: !this.outdatedTargets.has(scheduledJobId),
      }
    );
  }
}

/**
 * An in-memory ScheduledJobStore with the semantics of DynamoDbScheduledJobStore: unique names freed
 * by delete, claims that only a runnable job grants, runs counted once per claim, the same filters and
 * orders. Pages use a plain numeric offset as cursor, and are always full.
 */
import { ConflictError } from '../../lambdas/core/errors';
import { type Page, type PageRequest, pageInMemory } from '../../lambdas/core/pagination';
import type { ScheduledJobChange, ScheduledJobStore, UpdateOutcome } from '../../lambdas/core/ports';
import {
  approvalStatusesOf,
  type ClaimOutcome,
  isRunnable,
  type ScheduledJob,
  type ScheduledJobCondition,
  type ScheduledJobFilter,
  satisfies,
} from '../../lambdas/core/scheduled-jobs';

const sortable = (time: string, id: string): string => `${new Date(time).toISOString()}#${id}`;
const compare = (a: string, b: string): number => (a === b ? 0 : a < b ? -1 : 1);

/**
 * The DynamoDB store's order, which follows the index it reads: start time, oldest first, for the
 * approval queue and for approval filters without job or user; newest created first otherwise.
 */
function inStoreOrder(jobs: ScheduledJob[], filter: ScheduledJobFilter): ScheduledJob[] {
  const states = approvalStatusesOf(filter);
  const byStartTime =
    filter.awaitingHandoff === true ||
    (states?.length === 1 && states[0] === 'pending') ||
    (states !== undefined && filter.jobPath === undefined && filter.user === undefined);
  return byStartTime
    ? jobs.sort((a, b) =>
        compare(sortable(a.startTime ?? a.dateCreated, a.id), sortable(b.startTime ?? b.dateCreated, b.id)),
      )
    : jobs.sort((a, b) => compare(sortable(b.dateCreated, b.id), sortable(a.dateCreated, a.id)));
}

export class InMemoryScheduledJobStore implements ScheduledJobStore {
  readonly items = new Map<string, ScheduledJob>();
  /** Name → the id of the scheduled job that holds it. */
  readonly names = new Map<string, string>();

  async create(job: ScheduledJob): Promise<void> {
    const holder = this.names.get(job.name);
    if (holder !== undefined && this.items.get(holder)?.deleted) this.names.delete(job.name);
    if (holder !== undefined && holder !== job.id) {
      throw new ConflictError('A scheduled job with this name already exists.');
    }
    if (this.items.has(job.id))
      throw new ConflictError(`A scheduled job with id "${job.id}" already exists.`);
    this.names.set(job.name, job.id);
    this.items.set(job.id, structuredClone(job));
  }

  async get(id: string): Promise<ScheduledJob | undefined> {
    const found = this.items.get(id);
    return found && structuredClone(found);
  }

  async count(filter: ScheduledJobFilter): Promise<number> {
    return (await this.list(filter, { limit: Number.MAX_SAFE_INTEGER })).items.length;
  }

  /** Counts are computed, so they never drift. */
  async repairCounts(): Promise<number> {
    return 0;
  }

  async list(filter: ScheduledJobFilter, page: PageRequest): Promise<Page<ScheduledJob>> {
    const states = approvalStatusesOf(filter);
    const matching = [...this.items.values()].filter(
      (job) =>
        job.deleted === undefined &&
        (filter.awaitingHandoff !== true || job.handoff !== undefined) &&
        (filter.jobPath === undefined || job.jobPath === filter.jobPath) &&
        (filter.user === undefined || job.user === filter.user) &&
        (filter.enabled === undefined || job.enabled === filter.enabled) &&
        (states === undefined || states.includes(job.approvalStatus)),
    );
    return pageInMemory(
      inStoreOrder(matching, filter).map((job) => structuredClone(job)),
      page,
    );
  }

  /** Fails the next update with this error, once (to inject a failure between two writes). */
  failNextUpdateWith: Error | undefined;

  async update(
    id: string,
    change: ScheduledJobChange,
    condition: ScheduledJobCondition,
  ): Promise<UpdateOutcome> {
    if (this.failNextUpdateWith) {
      const error = this.failNextUpdateWith;
      this.failNextUpdateWith = undefined;
      throw error;
    }
    const found = this.items.get(id);
    if (!satisfies(found, condition) || found === undefined) {
      return { kind: 'refused', current: found && structuredClone(found) };
    }
    let updated: ScheduledJob = { ...found, history: [...found.history] };
    if (change.enabled !== undefined) updated = { ...updated, enabled: change.enabled };
    if (change.decision !== undefined) {
      updated = {
        ...updated,
        approvalStatus: change.decision.status,
        decision: change.decision.decision,
        handoff: change.decision.handoff,
      };
    }
    if (change.handoff !== undefined) {
      updated = { ...updated, handoff: 'done' in change.handoff ? undefined : change.handoff.switchTo };
    }
    if (change.deleted !== undefined) {
      updated = { ...updated, deleted: change.deleted };
      if (this.names.get(found.name) === id) this.names.delete(found.name);
    }
    if (change.history !== undefined) updated = { ...updated, history: [...updated.history, change.history] };
    this.items.set(id, updated);
    return { kind: 'updated', scheduledJob: structuredClone(updated) };
  }

  async delete(id: string): Promise<ScheduledJob | undefined> {
    const found = this.items.get(id);
    if (!found) return undefined;
    this.items.delete(id);
    if (this.names.get(found.name) === id) this.names.delete(found.name);
    return structuredClone(found);
  }

  async claimOccurrence(
    id: string,
    occurrence: string,
    execution: string,
    forget: readonly string[],
    options: { readonly handoff?: boolean | undefined } = {},
  ): Promise<ClaimOutcome> {
    const found = this.items.get(id);
    if (!found) return { kind: 'missing' };
    const claim = found.claims[occurrence];
    if (claim !== undefined) {
      return claim.execution === execution
        ? { kind: 'claimed', scheduledJob: structuredClone(found) }
        : { kind: 'duplicate' };
    }
    if (!isRunnable(found) || (options.handoff && found.handoff !== 'run')) {
      return { kind: 'not-runnable', scheduledJob: structuredClone(found) };
    }
    const claims = Object.fromEntries(
      Object.entries(found.claims).filter(([claimed]) => !forget.includes(claimed)),
    );
    const updated: ScheduledJob = {
      ...found,
      handoff: options.handoff ? undefined : found.handoff,
      claims: { ...claims, [occurrence]: { execution, counted: false } },
    };
    this.items.set(id, updated);
    return { kind: 'claimed', scheduledJob: structuredClone(updated) };
  }

  async countRun(id: string, occurrence: string, at: string): Promise<void> {
    const found = this.items.get(id);
    const claim = found?.claims[occurrence];
    if (!found || claim === undefined || claim.counted) return;
    this.items.set(id, {
      ...found,
      totalRunCount: found.totalRunCount + 1,
      lastRunAt: at,
      claims: { ...found.claims, [occurrence]: { ...claim, counted: true } },
    });
  }
}

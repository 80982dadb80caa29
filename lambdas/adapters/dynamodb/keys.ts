/**
 * Every key of the single table is built here; nothing outside `adapters/dynamodb` sees them.
 *
 * Table: `pk` / `sk` (S). Five overloaded global secondary indexes `gsi1`..`gsi5`, each `gsiNpk` /
 * `gsiNsk` (S), projection ALL. An index partition value always starts with the entity's plural
 * (`USERS`, `TOKENS`, `RESULTS`), so entities share the indexes without ever meeting in a partition.
 *
 * entity      pk / sk                      index  partition / sort key                    serves
 * ----------  ---------------------------  -----  --------------------------------------  ------------------------
 * user        USER#<username> / USER       gsi1   USERS / <username>                      all users, by username
 * token       TOKEN#<keyHash> / TOKEN      gsi1   TOKENS / <created>#<id>                 all tokens, newest first
 *                                          gsi2   TOKENS#USER#<username> / <created>#<id> one user's tokens
 *                                          gsi3   TOKENS#ID#<id> / TOKEN                  one token by id (see below)
 * job result  RESULT#<id> / RESULT         gsi1   RESULTS / <dateCreated>#<id>            all results, newest first
 *                                          gsi2   RESULTS#JOB#<job> / <dateCreated>#<id>  ?job=
 *                                          gsi3   RESULTS#STATUS#<status> / <dateCreated>#<id>
 *                                                                                         ?status=, and PENDING +
 *                                                                                         STARTED oldest first
 *                                                                                         (listUnfinished)
 *                                          gsi4   RESULTS#STATUS#<status> / <job>#<dateCreated>#<id>
 *                                                                                         ?job=&status= (begins_with
 *                                                                                         `<job>#`)
 *                                          gsi5   RESULTS#SCHEDULED#<scheduledJob> / <dateCreated>#<id>
 *                                                                                         ?scheduled_job= (only
 *                                                                                         results of scheduled runs
 *                                                                                         have it); with job or
 *                                                                                         status, + FilterExpression
 * scheduled   SCHEDULED#<id> / SCHEDULED   gsi1   SCHEDULED / <dateCreated>#<id>          all, newest first
 *   job                                    gsi2   SCHEDULED#JOB#<job> / <dateCreated>#<id>
 *                                                                                         ?job=
 *                                          gsi3   SCHEDULED#USER#<user> / <dateCreated>#<id>
 *                                                                                         ?user=
 *                                          gsi4   SCHEDULED#ENABLED#<true|false> / <dateCreated>#<id>
 *                                                                                         ?enabled=
 *                                          gsi5   SCHEDULED#APPROVAL#<state> / <startTime|dateCreated>#<id>
 *                                                                                         ?approval_status=,
 *                                                                                         ?approval_required=
 *                                                                                         &approved=; `pending` is
 *                                                                                         the approval queue, oldest
 *                                                                                         start_time first;
 *                                                                                         `handoff` the approvals
 *                                                                                         not yet handed on
 * scheduled   SCHEDNAME#<name> / NAME      (none)                                         name uniqueness: holds the
 *   job name                                                                              id of the job that owns it
 *
 * A scheduled job's gsi5 state is its approval status (`not_required`, `pending`, `approved`, `denied`),
 * except that an approval whose run or schedule has not been handed on yet sits in `handoff` until it
 * has (the reconciler reads that partition alone to finish them). A decision rewrites gsi5pk, pausing
 * gsi4pk, in the same conditional UpdateItem as the change. A deleted scheduled job keeps its item
 * (with its history) but loses every index key, so it leaves every list.
 *
 * Why these shapes:
 * - Tokens are keyed by the key's hash because the authorizer looks them up by it on every request.
 *   The API names a token by its id, so gsi3 holds one partition per token: finding it by id is a
 *   Query, eventually consistent like every index read (a token just created may not be found yet;
 *   one just deleted may still be found, and then fail the conditional delete). Tokens written before
 *   gsi3 was added lack it and cannot be found by id (fine before the first release).
 * - Every filter combination of the job result list is one exact Query that reads only what it returns.
 * - gsi4 puts the status in the partition and the job in the sort key (rather than `JOB#<job>#STATUS#<s>`)
 *   so a status transition rewrites only gsi3pk and gsi4pk, both built from the new status alone: the
 *   conditional UpdateItem needs no read of the item first. Job paths contain no `#`, so the prefix
 *   `<job>#` never matches a longer job path.
 * - Timestamps in sort keys are normalised to `Date#toISOString()` (fixed width, UTC) so string order is
 *   time order. Sort keys end in the id, so they are unique within their partition. A scheduled job's
 *   gsi5 sort key is its start time, or its creation time for a `custom` schedule without one.
 * - A list filter that no one index partition answers is served from the most selective partition
 *   among those that answer part of it, plus a FilterExpression for the rest (see query-page.ts: such
 *   pages may be short). For scheduled jobs that is the approval queue, then ?job=, ?user=, the other
 *   approval states, ?enabled=. Lists from gsi5 are in start time order, oldest first (the queue's
 *   order); every other list is newest created first.
 * - Scheduled job names are unique through the name item: DynamoDB has no unique secondary keys, and
 *   dynalite no transactions, so the name is reserved by its own conditional put (see the store).
 * - The "all" partitions (USERS, TOKENS, RESULTS, SCHEDULED) are single index partitions: the list needs one
 *   ordered sequence, and at this service's write rates (well under 1,000 writes/s) one index partition
 *   is enough. Base-table items are spread over one partition each.
 */
import type { JobResultFilter, JobResultStatus } from '../../core/job-results';
import {
  type ApprovalStatus,
  approvalStatusesOf,
  type ScheduledJob,
  type ScheduledJobFilter,
} from '../../core/scheduled-jobs';

export const INDEX_NAMES = ['gsi1', 'gsi2', 'gsi3', 'gsi4', 'gsi5'] as const;
export type IndexName = (typeof INDEX_NAMES)[number];

export interface TableKey {
  readonly pk: string;
  readonly sk: string;
}

/** One exact Query on one index partition, optionally narrowed to sort keys with a prefix. */
export interface IndexQuery {
  readonly index: IndexName;
  readonly partition: string;
  readonly sortKeyPrefix?: string | undefined;
}

export function indexAttributes(index: IndexName): { readonly pk: string; readonly sk: string } {
  return { pk: `${index}pk`, sk: `${index}sk` };
}

/** The key attributes of an item as seen through an index, which is what a Query's LastEvaluatedKey holds. */
export function indexKeyAttributeNames(index: IndexName): readonly string[] {
  const { pk, sk } = indexAttributes(index);
  return ['pk', 'sk', pk, sk];
}

/** Fixed-width UTC ISO 8601, so that sort keys order by time. */
export function sortableTime(time: string): string {
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) throw new Error(`"${time}" is not a valid timestamp.`);
  return date.toISOString();
}

// Users

export function userKey(username: string): TableKey {
  return { pk: `USER#${username}`, sk: 'USER' };
}

export function userIndexKeys(username: string): Record<string, string> {
  return { gsi1pk: 'USERS', gsi1sk: username };
}

export function userListQuery(): IndexQuery {
  return { index: 'gsi1', partition: 'USERS' };
}

// Tokens

export function tokenKey(keyHash: string): TableKey {
  return { pk: `TOKEN#${keyHash}`, sk: 'TOKEN' };
}

export function tokenIndexKeys(token: { user: string; created: string; id: string }): Record<string, string> {
  const order = `${sortableTime(token.created)}#${token.id}`;
  return {
    gsi1pk: 'TOKENS',
    gsi1sk: order,
    gsi2pk: `TOKENS#USER#${token.user}`,
    gsi2sk: order,
    ...tokenIdIndexKeys(token.id),
  };
}

function tokenIdIndexKeys(id: string): { gsi3pk: string; gsi3sk: string } {
  return { gsi3pk: `TOKENS#ID#${id}`, gsi3sk: 'TOKEN' };
}

/** The index partition that holds the one token with this id. */
export function tokenByIdQuery(id: string): IndexQuery {
  return { index: 'gsi3', partition: tokenIdIndexKeys(id).gsi3pk };
}

export function tokenListQuery(filter: { readonly user?: string | undefined }): IndexQuery {
  return filter.user === undefined
    ? { index: 'gsi1', partition: 'TOKENS' }
    : { index: 'gsi2', partition: `TOKENS#USER#${filter.user}` };
}

// Job results

export function jobResultKey(id: string): TableKey {
  return { pk: `RESULT#${id}`, sk: 'RESULT' };
}

function jobResultStatusPartition(status: JobResultStatus): string {
  return `RESULTS#STATUS#${status}`;
}

/** The index attributes that change with the status; a transition SETs exactly these. */
export function jobResultStatusKeys(status: JobResultStatus): { gsi3pk: string; gsi4pk: string } {
  const partition = jobResultStatusPartition(status);
  return { gsi3pk: partition, gsi4pk: partition };
}

function jobResultScheduledPartition(scheduledJob: string): string {
  return `RESULTS#SCHEDULED#${scheduledJob}`;
}

export function jobResultIndexKeys(result: {
  id: string;
  jobPath: string;
  status: JobResultStatus;
  dateCreated: string;
  scheduledJob?: string | undefined;
}): Record<string, string> {
  const order = `${sortableTime(result.dateCreated)}#${result.id}`;
  return {
    gsi1pk: 'RESULTS',
    gsi1sk: order,
    gsi2pk: `RESULTS#JOB#${result.jobPath}`,
    gsi2sk: order,
    ...jobResultStatusKeys(result.status),
    gsi3sk: order,
    gsi4sk: `${result.jobPath}#${order}`,
    // Results of immediate runs have no scheduled job and stay out of gsi5 (a sparse index).
    ...(result.scheduledJob === undefined
      ? {}
      : { gsi5pk: jobResultScheduledPartition(result.scheduledJob), gsi5sk: order }),
  };
}

/**
 * The index partition that answers a job result filter, and what of the filter it leaves to a
 * FilterExpression (only with ?scheduled_job=, whose partition holds one scheduled job's runs: few,
 * and all of one job). Undefined when no result can match: a job path never contains `#`, and a
 * prefix must not pretend it can.
 */
export function jobResultListPlan(
  filter: JobResultFilter,
): { readonly query: IndexQuery; readonly residual: JobResultFilter } | undefined {
  const { jobPath, status, scheduledJob } = filter;
  if (jobPath?.includes('#')) return undefined;
  if (scheduledJob !== undefined) {
    return {
      query: { index: 'gsi5', partition: jobResultScheduledPartition(scheduledJob) },
      residual: { jobPath, status },
    };
  }
  const query = jobResultListQuery({ jobPath, status });
  return query === undefined ? undefined : { query, residual: {} };
}

/** The exact partition for ?job= and ?status=, which every combination of the two has. */
export function jobResultListQuery(filter: Omit<JobResultFilter, 'scheduledJob'>): IndexQuery | undefined {
  const { jobPath, status } = filter;
  if (jobPath?.includes('#')) return undefined;
  if (jobPath !== undefined && status !== undefined) {
    return { index: 'gsi4', partition: jobResultStatusPartition(status), sortKeyPrefix: `${jobPath}#` };
  }
  if (jobPath !== undefined) return { index: 'gsi2', partition: `RESULTS#JOB#${jobPath}` };
  if (status !== undefined) return { index: 'gsi3', partition: jobResultStatusPartition(status) };
  return { index: 'gsi1', partition: 'RESULTS' };
}

/** One counter: an attribute of a counter item (see list-counts.ts). */
export interface CounterSlot {
  readonly item: string;
  readonly attribute: string;
}

const STATUS_COUNTER = 'status_';

/**
 * The counters of the job result lists that one index partition answers alone (see
 * jobResultListPlan): all results and each status in the item `RESULTS`, one job's results and each
 * of its statuses in `RESULTS#JOB#<job>`, one scheduled job's runs in `RESULTS#SCHEDULED#<id>`, so a
 * status change moves two items' counters, not four.
 */
export const jobResultCounters = {
  slotOf(query: IndexQuery): CounterSlot | undefined {
    const statusOf = (partition: string) => partition.slice('RESULTS#STATUS#'.length);
    switch (query.index) {
      case 'gsi1':
        return { item: 'RESULTS', attribute: 'all' };
      case 'gsi2':
        return { item: query.partition, attribute: 'all' };
      case 'gsi3':
        return { item: 'RESULTS', attribute: `${STATUS_COUNTER}${statusOf(query.partition)}` };
      case 'gsi4': {
        const jobPath = query.sortKeyPrefix?.replace(/#$/, '');
        if (jobPath === undefined) return undefined;
        return { item: `RESULTS#JOB#${jobPath}`, attribute: `${STATUS_COUNTER}${statusOf(query.partition)}` };
      }
      case 'gsi5':
        return { item: query.partition, attribute: 'all' };
    }
  },
  queryOf({ item, attribute }: CounterSlot): IndexQuery | undefined {
    const status = attribute.startsWith(STATUS_COUNTER)
      ? (attribute.slice(STATUS_COUNTER.length) as JobResultStatus)
      : undefined;
    if (attribute !== 'all' && status === undefined) return undefined;
    if (item === 'RESULTS') return jobResultListQuery({ status });
    if (item.startsWith('RESULTS#JOB#'))
      return jobResultListQuery({ jobPath: item.slice('RESULTS#JOB#'.length), status });
    if (item.startsWith('RESULTS#SCHEDULED#') && status === undefined)
      return { index: 'gsi5', partition: item };
    return undefined;
  },
};

/** Every counter a job result is counted in. */
export function jobResultCounterSlots(result: {
  jobPath: string;
  status: JobResultStatus;
  scheduledJob?: string | undefined;
}): CounterSlot[] {
  const { jobPath, status, scheduledJob } = result;
  const queries = [
    jobResultListQuery({}),
    jobResultListQuery({ jobPath }),
    jobResultListQuery({ status }),
    jobResultListQuery({ jobPath, status }),
    scheduledJob === undefined
      ? undefined
      : { index: 'gsi5' as const, partition: jobResultScheduledPartition(scheduledJob) },
  ];
  return queries
    .filter((query): query is IndexQuery => query !== undefined)
    .map((query) => jobResultCounters.slotOf(query))
    .filter((slot): slot is CounterSlot => slot !== undefined);
}

/** The partitions whose union is "not finished yet", all on one index and ordered by creation. */
export function unfinishedJobResultQueries(): readonly IndexQuery[] {
  return [
    { index: 'gsi3', partition: jobResultStatusPartition('PENDING') },
    { index: 'gsi3', partition: jobResultStatusPartition('STARTED') },
  ];
}

// Scheduled jobs

/** The gsi5 partitions of scheduled jobs: the approval statuses, and approvals not yet handed on. */
export type ScheduledJobApprovalState = ApprovalStatus | 'handoff';

export function scheduledJobKey(id: string): TableKey {
  return { pk: `SCHEDULED#${id}`, sk: 'SCHEDULED' };
}

export function scheduledJobNameKey(name: string): TableKey {
  return { pk: `SCHEDNAME#${name}`, sk: 'NAME' };
}

export function scheduledJobApprovalState(
  job: Pick<ScheduledJob, 'approvalStatus' | 'handoff'>,
): ScheduledJobApprovalState {
  return job.approvalStatus === 'approved' && job.handoff !== undefined ? 'handoff' : job.approvalStatus;
}

export function scheduledJobApprovalPartition(state: ScheduledJobApprovalState): string {
  return `SCHEDULED#APPROVAL#${state}`;
}

export function scheduledJobEnabledPartition(enabled: boolean): string {
  return `SCHEDULED#ENABLED#${enabled}`;
}

const scheduledJobJobPartition = (job: string): string => `SCHEDULED#JOB#${job}`;
const scheduledJobUserPartition = (user: string): string => `SCHEDULED#USER#${user}`;

/** Every index attribute a scheduled job may have: a deletion removes them all. */
export const SCHEDULED_JOB_INDEX_ATTRIBUTES: readonly string[] = INDEX_NAMES.flatMap((index) => {
  const { pk, sk } = indexAttributes(index);
  return [pk, sk];
});

export function scheduledJobIndexKeys(
  job: Pick<
    ScheduledJob,
    | 'id'
    | 'jobPath'
    | 'user'
    | 'enabled'
    | 'dateCreated'
    | 'startTime'
    | 'approvalStatus'
    | 'handoff'
    | 'deleted'
  >,
): Record<string, string> {
  if (job.deleted) return {};
  const order = `${sortableTime(job.dateCreated)}#${job.id}`;
  return {
    gsi1pk: 'SCHEDULED',
    gsi1sk: order,
    gsi2pk: scheduledJobJobPartition(job.jobPath),
    gsi2sk: order,
    gsi3pk: scheduledJobUserPartition(job.user),
    gsi3sk: order,
    gsi4pk: scheduledJobEnabledPartition(job.enabled),
    gsi4sk: order,
    gsi5pk: scheduledJobApprovalPartition(scheduledJobApprovalState(job)),
    gsi5sk: `${sortableTime(job.startTime ?? job.dateCreated)}#${job.id}`,
  };
}

/** What of a scheduled job filter the chosen partitions leave to a FilterExpression. */
export interface ScheduledJobResidualFilter {
  readonly jobPath?: string | undefined;
  readonly user?: string | undefined;
  readonly enabled?: boolean | undefined;
  /** The approval states (gsi5 partitions) to keep. */
  readonly approvalPartitions?: readonly string[] | undefined;
}

export interface ScheduledJobListPlan {
  /** One partition, or (?approval_required=true alone) the approval states to merge. */
  readonly queries: readonly IndexQuery[];
  readonly order: 'ascending' | 'descending';
  readonly residual: ScheduledJobResidualFilter;
}

/** The partitions that hold the given approval statuses (an approval may still be in `handoff`). */
function approvalStatesOf(filter: ScheduledJobFilter): readonly ScheduledJobApprovalState[] | undefined {
  const statuses = approvalStatusesOf(filter);
  return statuses?.flatMap((status): ScheduledJobApprovalState[] =>
    status === 'approved' ? ['approved', 'handoff'] : [status],
  );
}

/**
 * The most selective partition that answers part of the filter, and the rest as a residual filter.
 * Undefined when no scheduled job can match (`approval_required=false&approved=true`).
 */
export function scheduledJobListPlan(filter: ScheduledJobFilter): ScheduledJobListPlan | undefined {
  const states = filter.awaitingHandoff ? (['handoff'] as const) : approvalStatesOf(filter);
  if (states?.length === 0) return undefined;
  const { jobPath, user, enabled } = filter;
  const byCreation = (query: IndexQuery, residual: ScheduledJobResidualFilter): ScheduledJobListPlan => ({
    queries: [query],
    order: 'descending',
    residual: {
      ...residual,
      approvalPartitions: states?.map(scheduledJobApprovalPartition),
    },
  });
  const byApproval = (): ScheduledJobListPlan => ({
    queries: (states ?? []).map((state) => ({
      index: 'gsi5',
      partition: scheduledJobApprovalPartition(state),
    })),
    order: 'ascending',
    residual: { jobPath, user, enabled },
  });
  // The queue is small by nature (requests wait there for a decision) and has its own order.
  if (states?.length === 1 && states[0] === 'pending') return byApproval();
  if (jobPath !== undefined)
    return byCreation({ index: 'gsi2', partition: scheduledJobJobPartition(jobPath) }, { user, enabled });
  if (user !== undefined)
    return byCreation({ index: 'gsi3', partition: scheduledJobUserPartition(user) }, { enabled });
  if (states !== undefined) return byApproval();
  if (enabled !== undefined)
    return byCreation({ index: 'gsi4', partition: scheduledJobEnabledPartition(enabled) }, {});
  return byCreation({ index: 'gsi1', partition: 'SCHEDULED' }, {});
}

const SCHEDULED_COUNTERS = 'SCHEDULED';
const ENABLED_COUNTER = 'enabled_';
const APPROVAL_COUNTER = 'approval_';

/**
 * The counters of the scheduled job lists that one index partition answers alone (see
 * scheduledJobListPlan): all, each enabled state and each approval state (handoff included) in the
 * item `SCHEDULED`, one job's in `SCHEDULED#JOB#<job>`, one user's in `SCHEDULED#USER#<user>`, so a
 * pause or a decision moves one item's counters and a creation or deletion three items'.
 */
export const scheduledJobCounters = {
  slotOf(query: IndexQuery): CounterSlot | undefined {
    if (query.sortKeyPrefix !== undefined) return undefined;
    switch (query.index) {
      case 'gsi1':
        return { item: SCHEDULED_COUNTERS, attribute: 'all' };
      case 'gsi2':
      case 'gsi3':
        return { item: query.partition, attribute: 'all' };
      case 'gsi4':
        return {
          item: SCHEDULED_COUNTERS,
          attribute: `${ENABLED_COUNTER}${query.partition.slice('SCHEDULED#ENABLED#'.length)}`,
        };
      case 'gsi5':
        return {
          item: SCHEDULED_COUNTERS,
          attribute: `${APPROVAL_COUNTER}${query.partition.slice('SCHEDULED#APPROVAL#'.length)}`,
        };
    }
  },
  queryOf({ item, attribute }: CounterSlot): IndexQuery | undefined {
    if (item === SCHEDULED_COUNTERS) {
      if (attribute === 'all') return { index: 'gsi1', partition: 'SCHEDULED' };
      if (attribute.startsWith(ENABLED_COUNTER))
        return { index: 'gsi4', partition: `SCHEDULED#ENABLED#${attribute.slice(ENABLED_COUNTER.length)}` };
      if (attribute.startsWith(APPROVAL_COUNTER))
        return { index: 'gsi5', partition: `SCHEDULED#APPROVAL#${attribute.slice(APPROVAL_COUNTER.length)}` };
      return undefined;
    }
    if (attribute !== 'all') return undefined;
    if (item.startsWith('SCHEDULED#JOB#')) return { index: 'gsi2', partition: item };
    if (item.startsWith('SCHEDULED#USER#')) return { index: 'gsi3', partition: item };
    return undefined;
  },
};

/**
 * Every counter a stored scheduled job item is counted in, read from its own index keys, so the
 * counters follow exactly the partitions the item sits in (none once deleted).
 */
export function scheduledJobCounterSlots(item: Record<string, unknown> | undefined): CounterSlot[] {
  if (item === undefined) return [];
  return INDEX_NAMES.flatMap((index) => {
    const partition = item[indexAttributes(index).pk];
    if (typeof partition !== 'string') return [];
    const slot = scheduledJobCounters.slotOf({ index, partition });
    return slot === undefined ? [] : [slot];
  });
}

/**
 * Scheduled jobs, one item each, and their names, one reservation item each (keys.ts). Every change is
 * one conditional single-item write: dynalite has no transactions.
 *
 * Name uniqueness takes two writes, the reservation then the job, and deletion two, the job then the
 * reservation. A crash between them leaves an orphan: a reservation naming a job that does not exist.
 * - create crashes after reserving: the name stays blocked until the orphan is older than
 *   ORPHAN_TAKEOVER_MS, and the next create of that name then takes it over.
 * - delete crashes after deleting the job: the reservation names a missing job and is old (it was
 *   made with the job), so the next create of that name takes it over at once.
 * Nothing is ever lost by an orphan, only a name held for at most ORPHAN_TAKEOVER_MS. The wait protects
 * a create that is between its two writes from having its reservation taken; it is far longer than an
 * API request can live (API Gateway gives up after 30 s), so that create has finished or died by then.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { systemClock } from '../../core/clock';
import { ConflictError, NotFoundError } from '../../core/errors';
import type { Page, PageRequest } from '../../core/pagination';
import type { Clock, ScheduledJobStore } from '../../core/ports';
import type { ClaimOutcome, ScheduledJob, ScheduledJobFilter } from '../../core/scheduled-jobs';
import { type DynamoDbStoreOptions, isConditionalCheckFailed } from './document-client';
import {
  type ScheduledJobResidualFilter,
  scheduledJobEnabledPartition,
  scheduledJobKey,
  scheduledJobListPlan,
  scheduledJobNameKey,
} from './keys';
import {
  occurrenceClaimToItem,
  type ScheduledJobNameReservation,
  scheduledJobFromItem,
  scheduledJobNameFromItem,
  scheduledJobNameToItem,
  scheduledJobToItem,
} from './mappers';
import { type QueryFilter, queryMergedPage, queryPage } from './query-page';

/** How old a reservation naming a missing job must be before another create may take it over. */
export const ORPHAN_TAKEOVER_MS = 60_000;

/** Reserving races with deletes and other takeovers; each lost race is re-read and retried. */
const MAX_RESERVE_ATTEMPTS = 3;

const NAME_TAKEN = 'A scheduled job with this name already exists.';
const NOT_FOUND = 'No ScheduledJob matches the given query.';

/** Attribute names used in expressions; several (enabled, user, name) are reserved words or may become so. */
const NAMES = {
  '#enabled': 'enabled',
  '#approvalRequired': 'approval_required',
  '#approvedAt': 'approved_at',
  '#claims': 'claims',
  '#counted': 'counted',
  '#totalRunCount': 'total_run_count',
  '#lastRunAt': 'last_run_at',
  '#scheduledJob': 'scheduled_job',
  '#gsi4pk': 'gsi4pk',
} as const;
type NamePlaceholder = keyof typeof NAMES;

function names(...placeholders: NamePlaceholder[]): Record<string, string> {
  return Object.fromEntries(placeholders.map((placeholder) => [placeholder, NAMES[placeholder]]));
}

export interface DynamoDbScheduledJobStoreOptions extends DynamoDbStoreOptions {
  /** Dates name reservations, to tell an orphaned one from one whose create is in flight. */
  readonly clock?: Clock | undefined;
}

/** The part of a list filter its index partition does not answer, as a FilterExpression. */
function residualFilter(residual: ScheduledJobResidualFilter): QueryFilter | undefined {
  const conditions: string[] = [];
  const filterNames: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const equals = (attribute: string, placeholder: string, value: unknown): void => {
    conditions.push(`#${placeholder} = :${placeholder}`);
    filterNames[`#${placeholder}`] = attribute;
    values[`:${placeholder}`] = value;
  };
  if (residual.jobPath !== undefined) equals('job', 'fJob', residual.jobPath);
  if (residual.user !== undefined) equals('user', 'fUser', residual.user);
  if (residual.enabled !== undefined) equals('enabled', 'fEnabled', residual.enabled);
  const partitions = residual.approvalPartitions;
  if (partitions !== undefined) {
    const placeholders = partitions.map((_, i) => `:fApproval${i}`);
    conditions.push(`#fApproval IN (${placeholders.join(', ')})`);
    filterNames['#fApproval'] = 'gsi5pk';
    partitions.forEach((partition, i) => {
      values[`:fApproval${i}`] = partition;
    });
  }
  if (conditions.length === 0) return undefined;
  return { expression: conditions.join(' AND '), names: filterNames, values };
}

export class DynamoDbScheduledJobStore implements ScheduledJobStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly clock: Clock;

  constructor({ client, tableName, clock = systemClock }: DynamoDbScheduledJobStoreOptions) {
    this.client = client;
    this.tableName = tableName;
    this.clock = clock;
  }

  async create(job: ScheduledJob): Promise<void> {
    await this.reserveName(job.name, job.id);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          // `claims` is a map from the start (`{}` for a new job): claims are SET into it by path.
          Item: scheduledJobToItem(job),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      // The id is taken. If by this very job (a repeated create), the reservation is its own; otherwise
      // the reservation just made names a job that is not the one holding the id: give it back.
      const existing = await this.get(job.id);
      if (existing?.name !== job.name) await this.releaseName(job.name, job.id);
      throw new ConflictError(`A scheduled job with id "${job.id}" already exists.`);
    }
  }

  async get(id: string): Promise<ScheduledJob | undefined> {
    const { Item: item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: scheduledJobKey(id), ConsistentRead: true }),
    );
    return item === undefined ? undefined : scheduledJobFromItem(item);
  }

  /**
   * Served from the most selective index partition the filter names (keys.ts); the rest of the
   * filter becomes a FilterExpression, so a combination of filters may give short pages, whose links
   * are still exact (query-page.ts). The approval queue (`approval_required=true&approved=false`)
   * is in start time order, oldest first, as is every list served by the approval index.
   */
  list(filter: ScheduledJobFilter, page: PageRequest): Promise<Page<ScheduledJob>> {
    const plan = scheduledJobListPlan(filter);
    if (plan === undefined) return Promise.resolve({ items: [] });
    const common = {
      client: this.client,
      tableName: this.tableName,
      order: plan.order,
      page,
      filter: residualFilter(plan.residual),
      toDomain: scheduledJobFromItem,
    };
    const [query, ...others] = plan.queries;
    if (query === undefined) return Promise.resolve({ items: [] });
    return others.length === 0
      ? queryPage({ ...common, query })
      : queryMergedPage({ ...common, queries: plan.queries });
  }

  async setEnabled(id: string, enabled: boolean): Promise<ScheduledJob> {
    try {
      const { Attributes: attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: scheduledJobKey(id),
          UpdateExpression: 'SET #enabled = :enabled, #gsi4pk = :gsi4pk',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: names('#enabled', '#gsi4pk'),
          ExpressionAttributeValues: {
            ':enabled': enabled,
            ':gsi4pk': scheduledJobEnabledPartition(enabled),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      if (attributes === undefined)
        throw new Error('UpdateItem with ReturnValues ALL_NEW returned no attributes.');
      return scheduledJobFromItem(attributes);
    } catch (error) {
      if (isConditionalCheckFailed(error)) throw new NotFoundError(NOT_FOUND);
      throw error;
    }
  }

  async delete(id: string): Promise<ScheduledJob | undefined> {
    let deleted: ScheduledJob;
    try {
      const { Attributes: attributes } = await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: scheduledJobKey(id),
          ConditionExpression: 'attribute_exists(pk)',
          ReturnValues: 'ALL_OLD',
        }),
      );
      if (attributes === undefined)
        throw new Error('DeleteItem with ReturnValues ALL_OLD returned no attributes.');
      deleted = scheduledJobFromItem(attributes);
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
    // A crash here leaves an orphaned reservation, which the next create of the name takes over.
    await this.releaseName(deleted.name, id);
    return deleted;
  }

  async claimOccurrence(
    id: string,
    occurrence: string,
    execution: string,
    forget: readonly string[],
  ): Promise<ClaimOutcome> {
    // Claim keys are ISO timestamps (`:` and `.` are not allowed in a bare document path), hence names.
    const forgotten = [...new Set(forget)].filter((claimed) => claimed !== occurrence);
    const forgetNames = Object.fromEntries(forgotten.map((claimed, i) => [`#f${i}`, claimed]));
    const remove =
      forgotten.length === 0 ? '' : ` REMOVE ${forgotten.map((_, i) => `#claims.#f${i}`).join(', ')}`;
    try {
      const { Attributes: attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: scheduledJobKey(id),
          UpdateExpression: `SET #claims.#occ = :claim${remove}`,
          ConditionExpression:
            'attribute_exists(pk) AND #enabled = :true AND ' +
            '(#approvalRequired = :false OR attribute_exists(#approvedAt)) AND attribute_not_exists(#claims.#occ)',
          ExpressionAttributeNames: {
            ...names('#claims', '#enabled', '#approvalRequired', '#approvedAt'),
            '#occ': occurrence,
            ...forgetNames,
          },
          ExpressionAttributeValues: {
            ':claim': occurrenceClaimToItem({ execution, counted: false }),
            ':true': true,
            ':false': false,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      if (attributes === undefined)
        throw new Error('UpdateItem with ReturnValues ALL_NEW returned no attributes.');
      return { kind: 'claimed', scheduledJob: scheduledJobFromItem(attributes) };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    // dynalite ignores ReturnValuesOnConditionCheckFailure, so one consistent read explains the refusal.
    const current = await this.get(id);
    if (current === undefined) return { kind: 'missing' };
    const claim = current.claims[occurrence];
    if (claim === undefined) return { kind: 'not-runnable', scheduledJob: current };
    return claim.execution === execution ? { kind: 'claimed', scheduledJob: current } : { kind: 'duplicate' };
  }

  async countRun(id: string, occurrence: string, at: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: scheduledJobKey(id),
          UpdateExpression:
            'SET #totalRunCount = #totalRunCount + :one, #lastRunAt = :at, #claims.#occ.#counted = :true',
          // Fails when the claim is already counted, was forgotten, or the job is gone: all no-ops.
          ConditionExpression: '#claims.#occ.#counted = :false',
          ExpressionAttributeNames: {
            ...names('#totalRunCount', '#lastRunAt', '#claims', '#counted'),
            '#occ': occurrence,
          },
          ExpressionAttributeValues: { ':one': 1, ':at': at, ':true': true, ':false': false },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  /**
   * Puts the name's reservation for `id`. A taken name is a ConflictError unless its job is missing
   * and the reservation older than ORPHAN_TAKEOVER_MS (an orphan: see the top of this file), which
   * is then taken over, on condition it still names that missing job.
   */
  private async reserveName(name: string, id: string): Promise<void> {
    for (let attempt = 0; attempt < MAX_RESERVE_ATTEMPTS; attempt++) {
      const reservation: ScheduledJobNameReservation = {
        name,
        scheduledJob: id,
        reservedAt: this.clock.now().toISOString(),
      };
      if (await this.putReservation(reservation, { ConditionExpression: 'attribute_not_exists(pk)' })) return;

      const { Item: item } = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: scheduledJobNameKey(name), ConsistentRead: true }),
      );
      if (item === undefined) continue; // Released since: try again.
      const holder = scheduledJobNameFromItem(item);
      // A repeated create of this very job, after a crash before its second write.
      if (holder.scheduledJob === id) return;
      if ((await this.get(holder.scheduledJob)) !== undefined) throw new ConflictError(NAME_TAKEN);
      const age = this.clock.now().getTime() - Date.parse(holder.reservedAt);
      // Young: most likely a create between its two writes.
      if (!(age > ORPHAN_TAKEOVER_MS)) throw new ConflictError(NAME_TAKEN);
      const takenOver = await this.putReservation(reservation, {
        ConditionExpression: '#scheduledJob = :orphanOwner',
        ExpressionAttributeNames: names('#scheduledJob'),
        ExpressionAttributeValues: { ':orphanOwner': holder.scheduledJob },
      });
      if (takenOver) return;
      // Another create took it over, or it was released, in between: look again.
    }
    throw new ConflictError(NAME_TAKEN);
  }

  /** False when the condition did not hold. */
  private async putReservation(
    reservation: ScheduledJobNameReservation,
    condition: {
      ConditionExpression: string;
      ExpressionAttributeNames?: Record<string, string>;
      ExpressionAttributeValues?: Record<string, unknown>;
    },
  ): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: scheduledJobNameToItem(reservation),
          ...condition,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /** Deletes the name's reservation if it still names `id`; one taken over or gone is left alone. */
  private async releaseName(name: string, id: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: scheduledJobNameKey(name),
          ConditionExpression: '#scheduledJob = :id',
          ExpressionAttributeNames: names('#scheduledJob'),
          ExpressionAttributeValues: { ':id': id },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }
}

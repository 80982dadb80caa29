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
 * A deleted scheduled job keeps its item (as a record, out of every index), and counts as missing here.
 * Nothing is ever lost by an orphan, only a name held for at most ORPHAN_TAKEOVER_MS. The wait protects
 * a create that is between its two writes from having its reservation taken; it is far longer than an
 * API request can live (API Gateway gives up after 30 s), so that create has finished or died by then.
 */

import { systemClock } from '../../core/clock';
import { ConflictError } from '../../core/errors';
import { MESSAGES } from '../../core/messages';
import type { Page, PageRequest } from '../../core/pagination';
import type { Clock, ScheduledJobChange, ScheduledJobStore, UpdateOutcome } from '../../core/ports';
import {
  type ClaimOutcome,
  RUNNABLE,
  type ScheduledJob,
  type ScheduledJobCondition,
  type ScheduledJobField,
  type ScheduledJobFilter,
  satisfies,
} from '../../core/scheduled-jobs';
import {
  allOf,
  applyIf,
  attributeEquals,
  type Expression,
  itemAbsent,
  itemExists,
  translate,
  updateIf,
  writeIf,
} from './conditions';
import type { DynamoDbStoreOptions } from './document-client';
import { DeleteCommand, type DocumentClient, GetCommand, PutCommand } from './document-client';
import {
  SCHEDULED_JOB_INDEX_ATTRIBUTES,
  type ScheduledJobResidualFilter,
  scheduledJobApprovalPartition,
  scheduledJobApprovalState,
  scheduledJobCounterSlots,
  scheduledJobCounters,
  scheduledJobEnabledPartition,
  scheduledJobKey,
  scheduledJobListPlan,
  scheduledJobNameKey,
} from './keys';
import {
  adjustCounters,
  countByReading,
  counterMoves,
  countFromCounters,
  repairCounters,
} from './list-counts';
import {
  decisionToItem,
  historyEntryToItem,
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

/** A change that moves a job between partitions races other such changes; each lost race is retried. */
const MAX_MOVE_ATTEMPTS = 5;

/** The partition attributes a change may rewrite (a deletion removes all, and the others with them). */
const MOVABLE_PARTITIONS = ['gsi4pk', 'gsi5pk'] as const;

/** The item attribute that holds each field core's rules read. */
const ATTRIBUTE_OF: Record<ScheduledJobField, string> = {
  enabled: 'enabled',
  approvalStatus: 'approval_status',
  handoff: 'handoff',
  user: 'user',
  deleted: 'deleted_at',
};

function ruleExpression(condition: ScheduledJobCondition): Expression {
  return translate(condition, (field) => ATTRIBUTE_OF[field]);
}

/** The reservation still names this scheduled job. */
function reservationHeldBy(id: string): Expression {
  return attributeEquals('scheduled_job', id, 'holder');
}

/** No claim for this occurrence yet (claim keys are ISO timestamps, so always by placeholder). */
function occurrenceUnclaimed(occurrence: string): Expression {
  return {
    expression: 'attribute_not_exists(#claims.#occ)',
    names: { '#claims': 'claims', '#occ': occurrence },
    values: {},
  };
}

/** The item still sits in the partitions it was read in: what its counters are moved from. */
function partitionsAre(item: Record<string, unknown>): Expression {
  return allOf(
    ...MOVABLE_PARTITIONS.map((attribute): Expression => {
      const value = item[attribute];
      return typeof value === 'string'
        ? attributeEquals(attribute, value, `was_${attribute}`)
        : {
            expression: `attribute_not_exists(#was_${attribute})`,
            names: { [`#was_${attribute}`]: attribute },
            values: {},
          };
    }),
  );
}

/** Whether a change may move the job between index partitions, and so between counted lists. */
function movesPartitions(change: ScheduledJobChange): boolean {
  return (
    change.enabled !== undefined ||
    change.decision !== undefined ||
    change.deleted !== undefined ||
    (change.handoff !== undefined && 'done' in change.handoff)
  );
}

/** The part of a list filter its index partition does not answer, as a FilterExpression. */
function residualFilter(residual: ScheduledJobResidualFilter): QueryFilter | undefined {
  const parts: Expression[] = [];
  if (residual.jobPath !== undefined) parts.push(attributeEquals('job', residual.jobPath, 'fJob'));
  if (residual.user !== undefined) parts.push(attributeEquals('user', residual.user, 'fUser'));
  if (residual.enabled !== undefined) parts.push(attributeEquals('enabled', residual.enabled, 'fEnabled'));
  const partitions = residual.approvalPartitions;
  if (partitions !== undefined) {
    const placeholders = partitions.map((_, i) => `:fApproval${i}`);
    parts.push({
      expression: `#fApproval IN (${placeholders.join(', ')})`,
      names: { '#fApproval': 'gsi5pk' },
      values: Object.fromEntries(partitions.map((partition, i) => [`:fApproval${i}`, partition])),
    });
  }
  if (parts.length === 0) return undefined;
  const combined = parts.length === 1 ? (parts[0] as Expression) : allOf(...parts);
  return { expression: combined.expression, names: { ...combined.names }, values: { ...combined.values } };
}

/** An UpdateExpression built from parts, with its own placeholders (`#u…`/`:u…`). */
class UpdateBuilder {
  readonly sets: string[] = [];
  readonly removes: string[] = [];
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};

  set(attribute: string, value: unknown): this {
    const tag = `u${Object.keys(this.names).length}`;
    this.names[`#${tag}`] = attribute;
    this.values[`:${tag}`] = value;
    this.sets.push(`#${tag} = :${tag}`);
    return this;
  }

  append(attribute: string, entry: unknown): this {
    const tag = `u${Object.keys(this.names).length}`;
    this.names[`#${tag}`] = attribute;
    this.values[`:${tag}`] = [entry];
    this.values[`:${tag}empty`] = [];
    this.sets.push(`#${tag} = list_append(if_not_exists(#${tag}, :${tag}empty), :${tag})`);
    return this;
  }

  remove(attribute: string): this {
    const tag = `u${Object.keys(this.names).length}`;
    this.names[`#${tag}`] = attribute;
    this.removes.push(`#${tag}`);
    return this;
  }

  expression(): string {
    return [
      this.sets.length > 0 ? `SET ${this.sets.join(', ')}` : '',
      this.removes.length > 0 ? `REMOVE ${this.removes.join(', ')}` : '',
    ]
      .filter((part) => part !== '')
      .join(' ');
  }
}

/** A change as an update: its attributes, and the index keys that follow from them. */
function changeToUpdate(change: ScheduledJobChange): UpdateBuilder {
  const update = new UpdateBuilder();
  if (change.enabled !== undefined) {
    update.set('enabled', change.enabled).set('gsi4pk', scheduledJobEnabledPartition(change.enabled));
  }
  if (change.decision !== undefined) {
    const { status, decision, handoff } = change.decision;
    update
      .set('approval_status', status)
      .set('decision', decisionToItem(decision))
      .set(
        'gsi5pk',
        scheduledJobApprovalPartition(scheduledJobApprovalState({ approvalStatus: status, handoff })),
      );
    if (handoff !== undefined) update.set('handoff', handoff);
  }
  if (change.handoff !== undefined) {
    if ('done' in change.handoff) {
      // Only an approval has a handoff: once done, it is a plain approval.
      update.remove('handoff').set('gsi5pk', scheduledJobApprovalPartition('approved'));
    } else {
      update.set('handoff', change.handoff.switchTo);
    }
  }
  if (change.deleted !== undefined) {
    update.set('deleted_at', change.deleted.at).set('deleted_by_user', change.deleted.user);
    for (const attribute of SCHEDULED_JOB_INDEX_ATTRIBUTES) update.remove(attribute);
  }
  if (change.history !== undefined) update.append('history', historyEntryToItem(change.history));
  return update;
}

export interface DynamoDbScheduledJobStoreOptions extends DynamoDbStoreOptions {
  /** Dates name reservations, to tell an orphaned one from one whose create is in flight. */
  readonly clock?: Clock | undefined;
}

export class DynamoDbScheduledJobStore implements ScheduledJobStore {
  private readonly client: DocumentClient;
  private readonly tableName: string;
  private readonly clock: Clock;

  constructor({ client, tableName, clock = systemClock }: DynamoDbScheduledJobStoreOptions) {
    this.client = client;
    this.tableName = tableName;
    this.clock = clock;
  }

  async create(job: ScheduledJob): Promise<void> {
    await this.reserveName(job.name, job.id);
    // `claims` is a map from the start (`{}` for a new job): claims are SET into it by path.
    const created = await writeIf({
      condition: itemAbsent,
      send: (condition) =>
        this.client.send(
          new PutCommand({ TableName: this.tableName, Item: scheduledJobToItem(job), ...condition }),
        ),
    });
    if (created) {
      await adjustCounters(this.table(), counterMoves([], scheduledJobCounterSlots(scheduledJobToItem(job))));
      return;
    }
    // The id is taken. If by this very job (a repeated create), the reservation is its own; otherwise
    // the reservation just made names a job that is not the one holding the id: give it back.
    const existing = await this.get(job.id);
    if (existing?.name !== job.name) await this.releaseName(job.name, job.id);
    throw new ConflictError(`A scheduled job with id "${job.id}" already exists.`);
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

  /**
   * A counter per partition the list is served from (several for merged approval states); a list
   * with a residual filter (a combination of filters) by reading its partition's keys, which the
   * most selective partition keeps short.
   */
  async count(filter: ScheduledJobFilter): Promise<number> {
    const plan = scheduledJobListPlan(filter);
    if (plan === undefined) return 0;
    const table = this.table();
    const filterExpression = residualFilter(plan.residual);
    if (filterExpression === undefined) return countFromCounters(table, scheduledJobCounters, plan.queries);
    const counts = await Promise.all(
      plan.queries.map((query) => countByReading(table, query, filterExpression)),
    );
    return counts.reduce((sum, n) => sum + n, 0);
  }

  repairCounts(): Promise<number> {
    return repairCounters(this.table(), scheduledJobCounters);
  }

  private table() {
    return { client: this.client, tableName: this.tableName };
  }

  async update(
    id: string,
    change: ScheduledJobChange,
    condition: ScheduledJobCondition,
  ): Promise<UpdateOutcome> {
    const update = changeToUpdate(change);
    const attributes = movesPartitions(change)
      ? await this.updateMoving(id, update, condition)
      : await this.updateItem(id, update, ruleExpression(condition));
    // dynalite ignores ReturnValuesOnConditionCheckFailure, so one consistent read explains a refusal.
    if (attributes === undefined) return { kind: 'refused', current: await this.get(id) };
    const updated = scheduledJobFromItem(attributes);
    // A crash here leaves an orphaned reservation, which the next create of the name takes over.
    if (change.deleted !== undefined) await this.releaseName(updated.name, id);
    return { kind: 'updated', scheduledJob: updated };
  }

  /**
   * An update that may move the job between partitions, and so its counters: the item is read first
   * and the write pinned to the partitions it was read in, so the counters move from exactly where it
   * was, only when this write moved it, even with concurrent changes. A write that lost to another
   * move is retried from a fresh read while the rule still holds. Undefined when the rule does not.
   */
  private async updateMoving(
    id: string,
    update: UpdateBuilder,
    condition: ScheduledJobCondition,
  ): Promise<Record<string, unknown> | undefined> {
    for (let attempt = 0; attempt < MAX_MOVE_ATTEMPTS; attempt++) {
      const before = await this.getItem(id);
      if (!satisfies(before === undefined ? undefined : scheduledJobFromItem(before), condition))
        return undefined;
      if (before === undefined) return undefined;
      const after = await this.updateItem(
        id,
        update,
        allOf(ruleExpression(condition), partitionsAre(before)),
      );
      if (after === undefined) continue;
      await adjustCounters(
        this.table(),
        counterMoves(scheduledJobCounterSlots(before), scheduledJobCounterSlots(after)),
      );
      return after;
    }
    // Only under a burst of changes to one job; a conflict the caller may retry, not a server error.
    throw new ConflictError(`Scheduled job "${id}" was being changed by other requests; try again.`);
  }

  private async getItem(id: string): Promise<Record<string, unknown> | undefined> {
    const { Item: item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: scheduledJobKey(id), ConsistentRead: true }),
    );
    return item;
  }

  async delete(id: string): Promise<ScheduledJob | undefined> {
    let attributes: Record<string, unknown> | undefined;
    const deleted = await writeIf({
      condition: itemExists,
      send: async (condition) => {
        const answer = await this.client.send(
          new DeleteCommand({
            TableName: this.tableName,
            Key: scheduledJobKey(id),
            ...condition,
            ReturnValues: 'ALL_OLD',
          }),
        );
        attributes = answer.Attributes;
      },
    });
    if (!deleted) return undefined;
    if (attributes === undefined)
      throw new Error('DeleteItem with ReturnValues ALL_OLD returned no attributes.');
    await adjustCounters(this.table(), counterMoves(scheduledJobCounterSlots(attributes), []));
    const job = scheduledJobFromItem(attributes);
    // A crash here leaves an orphaned reservation, which the next create of the name takes over.
    await this.releaseName(job.name, id);
    return job;
  }

  async claimOccurrence(
    id: string,
    occurrence: string,
    execution: string,
    forget: readonly string[],
    options: { readonly handoff?: boolean | undefined } = {},
  ): Promise<ClaimOutcome> {
    // Claim keys are ISO timestamps (`:` and `.` are not allowed in a bare document path), hence names.
    const forgotten = [...new Set(forget)].filter((claimed) => claimed !== occurrence);
    const update = new UpdateBuilder();
    update.sets.push('#claims.#occ = :claim');
    update.values[':claim'] = occurrenceClaimToItem({ execution, counted: false });
    forgotten.forEach((claimed, i) => {
      update.names[`#f${i}`] = claimed;
      update.removes.push(`#claims.#f${i}`);
    });
    if (options.handoff) update.remove('handoff').set('gsi5pk', scheduledJobApprovalPartition('approved'));
    const condition = allOf(
      ruleExpression(RUNNABLE),
      occurrenceUnclaimed(occurrence),
      // Pinned to the handoff partition, so the counters' move below is exactly this write's.
      ...(options.handoff
        ? [
            attributeEquals('handoff', 'run', 'handoffRun'),
            attributeEquals('gsi5pk', scheduledJobApprovalPartition('handoff'), 'inHandoff'),
          ]
        : []),
    );
    const attributes = await this.updateItem(id, update, condition);
    if (attributes !== undefined) {
      if (options.handoff) {
        const after = scheduledJobCounterSlots(attributes);
        const before = scheduledJobCounterSlots({
          ...attributes,
          gsi5pk: scheduledJobApprovalPartition('handoff'),
        });
        await adjustCounters(this.table(), counterMoves(before, after));
      }
      return { kind: 'claimed', scheduledJob: scheduledJobFromItem(attributes) };
    }
    // dynalite ignores ReturnValuesOnConditionCheckFailure, so one consistent read explains the refusal.
    const current = await this.get(id);
    if (current === undefined) return { kind: 'missing' };
    const claim = current.claims[occurrence];
    if (claim === undefined) return { kind: 'not-runnable', scheduledJob: current };
    return claim.execution === execution ? { kind: 'claimed', scheduledJob: current } : { kind: 'duplicate' };
  }

  async countRun(id: string, occurrence: string, at: string): Promise<void> {
    const update = new UpdateBuilder();
    update.sets.push('#total = #total + :one', '#lastRunAt = :at', '#claims.#occ.#counted = :true');
    Object.assign(update.names, {
      '#total': 'total_run_count',
      '#lastRunAt': 'last_run_at',
      '#claims': 'claims',
      '#occ': occurrence,
      '#counted': 'counted',
    });
    Object.assign(update.values, { ':one': 1, ':at': at, ':true': true });
    // Fails when the claim is already counted, was forgotten, or the job is gone: all no-ops.
    // Nothing is read back: counting sits on every scheduled run's path.
    await applyIf(this.client, this.conditionalUpdate(id, update), {
      expression: '#claims.#occ.#counted = :false',
      names: { '#claims': 'claims', '#occ': occurrence, '#counted': 'counted' },
      values: { ':false': false },
    });
  }

  private updateItem(id: string, update: UpdateBuilder, condition: Expression) {
    return updateIf(this.client, this.conditionalUpdate(id, update), condition);
  }

  private conditionalUpdate(id: string, update: UpdateBuilder) {
    return {
      TableName: this.tableName,
      Key: scheduledJobKey(id),
      UpdateExpression: update.expression(),
      names: update.names,
      values: update.values,
    };
  }

  /**
   * Puts the name's reservation for `id`. A taken name is a ConflictError unless its job is missing
   * (or deleted) and the reservation older than ORPHAN_TAKEOVER_MS (an orphan: see the top of this
   * file), which is then taken over, on condition it still names that missing job.
   */
  private async reserveName(name: string, id: string): Promise<void> {
    for (let attempt = 0; attempt < MAX_RESERVE_ATTEMPTS; attempt++) {
      const reservation: ScheduledJobNameReservation = {
        name,
        scheduledJob: id,
        reservedAt: this.clock.now().toISOString(),
      };
      if (await this.putReservation(reservation, itemAbsent)) return;

      const { Item: item } = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: scheduledJobNameKey(name), ConsistentRead: true }),
      );
      if (item === undefined) continue; // Released since: try again.
      const holder = scheduledJobNameFromItem(item);
      // A repeated create of this very job, after a crash before its second write.
      if (holder.scheduledJob === id) return;
      const holdingJob = await this.get(holder.scheduledJob);
      if (holdingJob !== undefined && !holdingJob.deleted)
        throw new ConflictError(MESSAGES.scheduleNameTaken);
      const age = this.clock.now().getTime() - Date.parse(holder.reservedAt);
      // Young: most likely a create between its two writes.
      if (!(age > ORPHAN_TAKEOVER_MS) && holdingJob === undefined) {
        throw new ConflictError(MESSAGES.scheduleNameTaken);
      }
      if (await this.putReservation(reservation, reservationHeldBy(holder.scheduledJob))) return;
      // Another create took it over, or it was released, in between: look again.
    }
    throw new ConflictError(MESSAGES.scheduleNameTaken);
  }

  /** False when the condition did not hold. */
  private putReservation(reservation: ScheduledJobNameReservation, condition: Expression): Promise<boolean> {
    return writeIf({
      condition,
      send: (expression) =>
        this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: scheduledJobNameToItem(reservation),
            ...expression,
          }),
        ),
    });
  }

  /** Deletes the name's reservation if it still names `id`; one taken over or gone is left alone. */
  private async releaseName(name: string, id: string): Promise<void> {
    await writeIf({
      condition: reservationHeldBy(id),
      send: (expression) =>
        this.client.send(
          new DeleteCommand({ TableName: this.tableName, Key: scheduledJobNameKey(name), ...expression }),
        ),
    });
  }
}

import { NotFoundError, StaleStateError } from '../../core/errors';
import type { JobResult, JobResultFilter, JobResultStatus } from '../../core/job-results';
import type { LogLine } from '../../core/jobs';
import type { Page, PageRequest } from '../../core/pagination';
import type { JobResultStore, RunOutcome } from '../../core/ports';
import {
  applyIf,
  type Expression,
  putIfAbsent,
  resultFinishableAs,
  resultIn,
  resultLogAt,
  resultLogHasRoom,
  resultPending,
  resultStartableBy,
  updateIf,
  writeIf,
} from './conditions';
import type { DynamoDbStoreOptions } from './document-client';
import { type DocumentClient, GetCommand, UpdateCommand } from './document-client';
import {
  fitLogs,
  LOG_BYTE_BUDGET,
  LOG_LINE_BUDGET,
  normaliseLogLine,
  totalLogBytes,
} from './job-result-logs';
import {
  jobResultCounterSlots,
  jobResultCounters,
  jobResultKey,
  jobResultListPlan,
  jobResultStatusKeys,
  unfinishedJobResultQueries,
} from './keys';
import {
  adjustCounters,
  countByReading,
  counterMoves,
  countFromCounter,
  repairCounters,
} from './list-counts';
import { jobResultFromItem, jobResultToItem, toJsonText } from './mappers';
import { type QueryFilter, queryMergedPage, queryPage } from './query-page';

/** Appends that lose a race for the last log slots re-read and retry this many times. */
const MAX_LOG_APPEND_ATTEMPTS = 5;

/** Attribute names used in expressions; several (status, name, user, data, error) are reserved words. */
const NAMES = {
  '#status': 'status',
  '#execution': 'execution',
  '#dateStarted': 'date_started',
  '#dateDone': 'date_done',
  '#output': 'output_json',
  '#error': 'error',
  '#logs': 'logs',
  '#logCount': 'log_count',
  '#logBytes': 'log_bytes',
  '#logTruncated': 'log_truncated',
  '#gsi3pk': 'gsi3pk',
  '#gsi4pk': 'gsi4pk',
} as const;
type NamePlaceholder = keyof typeof NAMES;

function names(...placeholders: NamePlaceholder[]): Record<string, string> {
  return Object.fromEntries(placeholders.map((placeholder) => [placeholder, NAMES[placeholder]]));
}

/** ?job= and ?status= as a FilterExpression, for lists whose partition does not answer them. */
function residualFilter({ jobPath, status }: JobResultFilter): QueryFilter | undefined {
  const conditions: string[] = [];
  const filterNames: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  if (jobPath !== undefined) {
    conditions.push('#fJob = :fJob');
    filterNames['#fJob'] = 'job';
    values[':fJob'] = jobPath;
  }
  if (status !== undefined) {
    conditions.push('#fStatus = :fStatus');
    filterNames['#fStatus'] = 'status';
    values[':fStatus'] = status;
  }
  if (conditions.length === 0) return undefined;
  return { expression: conditions.join(' AND '), names: filterNames, values };
}

/** The index keys that follow the status, as expression values for a transition's SET. */
function statusKeyValues(status: JobResultStatus): Record<':gsi3pk' | ':gsi4pk', string> {
  const { gsi3pk, gsi4pk } = jobResultStatusKeys(status);
  return { ':gsi3pk': gsi3pk, ':gsi4pk': gsi4pk };
}

export class DynamoDbJobResultStore implements JobResultStore {
  private readonly client: DocumentClient;
  private readonly tableName: string;

  constructor({ client, tableName }: DynamoDbStoreOptions) {
    this.client = client;
    this.tableName = tableName;
  }

  async create(result: JobResult): Promise<void> {
    await putIfAbsent(
      this.client,
      { TableName: this.tableName, Item: jobResultToItem(result) },
      `A job result with id "${result.id}" already exists.`,
    );
    await adjustCounters(this.table(), counterMoves([], jobResultCounterSlots(result)));
  }

  /**
   * A counter when the filter is one index partition; with a residual filter (?scheduled_job= with
   * ?job= or ?status=: one scheduled job's runs, few), by reading that partition's keys.
   */
  async count(filter: JobResultFilter): Promise<number> {
    const plan = jobResultListPlan(filter);
    if (plan === undefined) return 0;
    const residual = residualFilter(plan.residual);
    return residual === undefined
      ? countFromCounter(this.table(), jobResultCounters, plan.query)
      : countByReading(this.table(), plan.query, residual);
  }

  repairCounts(): Promise<number> {
    return repairCounters(this.table(), jobResultCounters);
  }

  private table() {
    return { client: this.client, tableName: this.tableName };
  }

  /** Moves a result's counts from its old status to its new one, after a write that changed it. */
  private async countTransition(from: JobResultStatus, to: JobResult): Promise<void> {
    await adjustCounters(
      this.table(),
      counterMoves(jobResultCounterSlots({ ...to, status: from }), jobResultCounterSlots(to)),
    );
  }

  async get(id: string): Promise<JobResult | undefined> {
    const { Item: item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: jobResultKey(id), ConsistentRead: true }),
    );
    return item === undefined ? undefined : jobResultFromItem(item);
  }

  /**
   * ?scheduled_job= is served from its gsi5 partition; with ?job= or ?status= as well, those become a
   * FilterExpression on it, so such pages may be short (see query-page.ts). A scheduled job's runs are
   * few and all of one job, so this reads little.
   */
  list(filter: JobResultFilter, page: PageRequest): Promise<Page<JobResult>> {
    const plan = jobResultListPlan(filter);
    if (plan === undefined) return Promise.resolve({ items: [] });
    return queryPage({
      client: this.client,
      tableName: this.tableName,
      query: plan.query,
      filter: residualFilter(plan.residual),
      order: 'descending',
      page,
      toDomain: jobResultFromItem,
    });
  }

  listUnfinished(page: PageRequest): Promise<Page<JobResult>> {
    return queryMergedPage({
      client: this.client,
      tableName: this.tableName,
      queries: unfinishedJobResultQueries(),
      order: 'ascending',
      page,
      toDomain: jobResultFromItem,
    });
  }

  async markStarted(id: string, execution: string, at: string): Promise<JobResult> {
    // Repeating the start for the same execution passes the condition and changes nothing:
    // date_started keeps its first value.
    return this.transition(
      id,
      `start it for execution "${execution}"`,
      [
        { condition: resultIn('PENDING'), from: 'PENDING' },
        // A repeat for the same execution: nothing changes, so nothing is counted.
        { condition: resultStartableBy(execution) },
      ],
      {
        UpdateExpression:
          'SET #status = :started, #execution = :execution, #dateStarted = if_not_exists(#dateStarted, :at), ' +
          '#gsi3pk = :gsi3pk, #gsi4pk = :gsi4pk',
        ExpressionAttributeNames: names('#status', '#execution', '#dateStarted', '#gsi3pk', '#gsi4pk'),
        ExpressionAttributeValues: {
          ':started': 'STARTED',
          ':execution': execution,
          ':at': at,
          ...statusKeyValues('STARTED'),
        },
      },
    );
  }

  async finish(id: string, outcome: RunOutcome, at: string): Promise<JobResult> {
    // Repeating the same outcome passes the condition and changes nothing: every value is set with
    // if_not_exists, and an outcome without output or error records that as NULL so a repeat that
    // brings one cannot add it.
    return this.transition(
      id,
      `finish it as ${outcome.status}`,
      [
        { condition: resultIn('STARTED'), from: 'STARTED' },
        { condition: resultIn('PENDING'), from: 'PENDING' },
        // A repeat of the same outcome: nothing changes, so nothing is counted.
        { condition: resultFinishableAs(outcome.status) },
      ],
      {
        UpdateExpression:
          'SET #status = :status, #dateDone = if_not_exists(#dateDone, :at), ' +
          '#output = if_not_exists(#output, :output), #error = if_not_exists(#error, :error), ' +
          '#gsi3pk = :gsi3pk, #gsi4pk = :gsi4pk',
        ExpressionAttributeNames: names('#status', '#dateDone', '#output', '#error', '#gsi3pk', '#gsi4pk'),
        ExpressionAttributeValues: {
          ':status': outcome.status,
          ':at': at,
          ':output': toJsonText(outcome.output) ?? null,
          ':error': outcome.status === 'SUCCESS' ? null : outcome.error,
          ...statusKeyValues(outcome.status),
        },
      },
    );
  }

  async abandon(id: string, error: string, at: string): Promise<boolean> {
    // One write, no read: a failed condition (moved on, or missing) is simply `false`.
    let attributes: Record<string, unknown> | undefined;
    const applied = await writeIf({
      condition: resultPending,
      send: (condition) =>
        this.client
          .send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: jobResultKey(id),
              UpdateExpression:
                'SET #status = :failure, #dateDone = :at, #error = :error, #gsi3pk = :gsi3pk, #gsi4pk = :gsi4pk',
              ...condition,
              ExpressionAttributeNames: {
                ...names('#status', '#dateDone', '#error', '#gsi3pk', '#gsi4pk'),
                ...condition.ExpressionAttributeNames,
              },
              ExpressionAttributeValues: {
                ':failure': 'FAILURE',
                ':at': at,
                ':error': error,
                ...statusKeyValues('FAILURE'),
                ...condition.ExpressionAttributeValues,
              },
              ReturnValues: 'ALL_NEW',
            }),
          )
          .then((answer) => {
            attributes = answer.Attributes;
          }),
    });
    if (applied && attributes !== undefined)
      await this.countTransition('PENDING', jobResultFromItem(attributes));
    return applied;
  }

  async appendLogs(id: string, lines: readonly LogLine[]): Promise<void> {
    if (lines.length === 0) return;
    const normalised = lines.map(normaliseLogLine);
    if (await this.appendWhole(id, normalised)) return;
    await this.appendWhatFits(id, normalised);
  }

  /**
   * The usual case, one write: the counters in the condition keep the cap without reading first.
   * False when the result is not STARTED or the lines do not all fit; a batch that could never fit
   * whole is not even sent.
   */
  private async appendWhole(id: string, lines: readonly LogLine[]): Promise<boolean> {
    const bytes = totalLogBytes(lines);
    if (lines.length > LOG_LINE_BUDGET || bytes > LOG_BYTE_BUDGET) return false;
    return applyIf(
      this.client,
      {
        TableName: this.tableName,
        Key: jobResultKey(id),
        UpdateExpression:
          'SET #logs = list_append(#logs, :lines), #logCount = #logCount + :count, #logBytes = #logBytes + :bytes',
        names: names('#logs', '#logCount', '#logBytes'),
        values: { ':lines': lines, ':count': lines.length, ':bytes': bytes },
      },
      resultLogHasRoom(LOG_LINE_BUDGET - lines.length, LOG_BYTE_BUDGET - bytes),
    );
  }

  /**
   * Reads the counters, appends what fits and then the truncation notice, guarded by the count that
   * was read; another append may get there first, so this retries a few times.
   */
  private async appendWhatFits(id: string, lines: readonly LogLine[]): Promise<void> {
    for (let attempt = 0; attempt < MAX_LOG_APPEND_ATTEMPTS; attempt++) {
      const { Item: item } = await this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: jobResultKey(id),
          ConsistentRead: true,
          ProjectionExpression: '#status, #logCount, #logBytes, #logTruncated',
          ExpressionAttributeNames: names('#status', '#logCount', '#logBytes', '#logTruncated'),
        }),
      );
      if (item === undefined) throw new NotFoundError(`Job result "${id}" was not found.`);
      if (item.status !== 'STARTED') {
        throw new StaleStateError(`Job result "${id}" is ${String(item.status)}, so its log is closed.`);
      }
      if (item.log_truncated === true) return;
      const count = Number(item.log_count);
      const fit = fitLogs({ count, bytes: Number(item.log_bytes) }, lines);
      const appended = await applyIf(
        this.client,
        {
          TableName: this.tableName,
          Key: jobResultKey(id),
          UpdateExpression:
            'SET #logs = list_append(#logs, :lines), #logCount = :newCount, #logBytes = :newBytes, ' +
            '#logTruncated = :truncated',
          names: names('#logs', '#logCount', '#logBytes', '#logTruncated'),
          values: {
            ':lines': fit.lines,
            ':newCount': fit.count,
            ':newBytes': fit.bytes,
            ':truncated': fit.truncated,
          },
        },
        resultLogAt(count),
      );
      if (appended) return;
    }
    throw new StaleStateError(
      `Appending to the log of job result "${id}" kept losing to concurrent appends.`,
    );
  }

  /** A conditional UpdateItem returning the new result; a failed condition is explained by one read. */
  private async transition(
    id: string,
    attempted: string,
    /**
     * Tried in order until one holds; one with `from` changes the status from it, and moves the
     * result's counts (see list-counts.ts); the last admits a repeat, which changes nothing.
     */
    attempts: readonly { readonly condition: Expression; readonly from?: JobResultStatus }[],
    update: {
      readonly UpdateExpression: string;
      readonly ExpressionAttributeNames: Record<string, string>;
      readonly ExpressionAttributeValues: Record<string, unknown>;
    },
  ): Promise<JobResult> {
    for (const { condition, from } of attempts) {
      const attributes = await updateIf(
        this.client,
        {
          TableName: this.tableName,
          Key: jobResultKey(id),
          UpdateExpression: update.UpdateExpression,
          names: update.ExpressionAttributeNames,
          values: update.ExpressionAttributeValues,
        },
        condition,
      );
      if (attributes === undefined) continue;
      const changed = jobResultFromItem(attributes);
      if (from !== undefined) await this.countTransition(from, changed);
      return changed;
    }
    const current = await this.get(id);
    if (current === undefined) throw new NotFoundError(`Job result "${id}" was not found.`);
    const execution = current.execution === undefined ? '' : ` (execution "${current.execution}")`;
    throw new StaleStateError(`Job result "${id}" is ${current.status}${execution}; cannot ${attempted}.`);
  }
}

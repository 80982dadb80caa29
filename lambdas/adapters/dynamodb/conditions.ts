/**
 * Conditions of conditional writes, named, in one place, and the one way to send such a write.
 *
 * Core's rules (`core/conditions.ts`) are translated here into ConditionExpressions; the conditions
 * that only concern storage (an item exists, a reservation still names its holder) are named here.
 * Placeholders are generated, so expressions can be combined without clashing.
 */

import type { Condition } from '../../core/conditions';
import { ConflictError } from '../../core/errors';
import { type DocumentClient, isConditionalCheckFailed, PutCommand, UpdateCommand } from './document-client';

export interface Expression {
  readonly expression: string;
  readonly names: Readonly<Record<string, string>>;
  readonly values: Readonly<Record<string, unknown>>;
}

/** The item exists. */
export const itemExists: Expression = { expression: 'attribute_exists(pk)', names: {}, values: {} };
/** No item has this key yet: a create that must not overwrite. */
export const itemAbsent: Expression = { expression: 'attribute_not_exists(pk)', names: {}, values: {} };

/** `attribute = value`, with placeholders derived from `tag`. */
export function attributeEquals(attribute: string, value: unknown, tag: string): Expression {
  return {
    expression: `#${tag} = :${tag}`,
    names: { [`#${tag}`]: attribute },
    values: { [`:${tag}`]: value },
  };
}

/**
 * Every part must hold. Parts are joined without parentheses: DynamoDB refuses redundant ones, and
 * every expression built here is a conjunction (there is no OR), so none are needed.
 */
export function allOf(...parts: readonly Expression[]): Expression {
  return {
    expression: parts.map((part) => part.expression).join(' AND '),
    names: Object.assign({}, ...parts.map((part) => part.names)),
    values: Object.assign({}, ...parts.map((part) => part.values)),
  };
}

/**
 * A core rule as a ConditionExpression, reading each domain field from the attribute `attributeOf`
 * names. Placeholders are `#r<n>`/`:r<n>`, so they never meet an update's own.
 */
export function translate<Field extends string>(
  condition: Condition<Field>,
  attributeOf: (field: Field) => string,
): Expression {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  let counter = 0;
  const name = (field: Field): string => {
    const placeholder = `#r${counter++}`;
    names[placeholder] = attributeOf(field);
    return placeholder;
  };
  const value = (scalar: unknown): string => {
    const placeholder = `:r${counter++}`;
    values[placeholder] = scalar;
    return placeholder;
  };
  const build = (part: Condition<Field>): string => {
    switch (part.op) {
      case 'exists':
        return 'attribute_exists(pk)';
      case 'eq':
        return `${name(part.field)} = ${value(part.value)}`;
      case 'ne': {
        const attribute = name(part.field);
        return `attribute_exists(${attribute}) AND ${attribute} <> ${value(part.value)}`;
      }
      case 'in':
        return `${name(part.field)} IN (${part.values.map(value).join(', ')})`;
      case 'absent':
        return `attribute_not_exists(${name(part.field)})`;
      case 'and':
        // Conjunctions only, so no parentheses: DynamoDB refuses redundant ones.
        return part.all.map(build).join(' AND ');
    }
  };
  return { expression: build(condition), names, values };
}

/** A write whose condition is given as an Expression; its own names and values are merged in. */
export interface ConditionalWrite {
  readonly condition: Expression;
  readonly send: (condition: {
    ConditionExpression: string;
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Record<string, unknown>;
  }) => Promise<unknown>;
}

/** Sends a conditional write: true when it was applied, false when its condition did not hold. */
export async function writeIf(write: ConditionalWrite): Promise<boolean> {
  const { condition } = write;
  try {
    await write.send({
      ConditionExpression: condition.expression,
      ...(Object.keys(condition.names).length > 0
        ? { ExpressionAttributeNames: { ...condition.names } }
        : {}),
      ...(Object.keys(condition.values).length > 0
        ? { ExpressionAttributeValues: { ...condition.values } }
        : {}),
    });
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

/** An UpdateItem whose own names and values are merged with its condition's. */
export interface ConditionalUpdate {
  readonly TableName: string;
  readonly Key: { readonly pk: string; readonly sk: string };
  readonly UpdateExpression: string;
  readonly names?: Readonly<Record<string, string>>;
  readonly values?: Readonly<Record<string, unknown>>;
}

/** The UpdateItem of `update` under `condition`, their names and values merged. */
function conditionalUpdateCommand(
  update: ConditionalUpdate,
  expression: Parameters<ConditionalWrite['send']>[0],
  returnValues: 'ALL_NEW' | 'NONE',
): UpdateCommand {
  const values = { ...update.values, ...expression.ExpressionAttributeValues };
  return new UpdateCommand({
    TableName: update.TableName,
    Key: { ...update.Key },
    UpdateExpression: update.UpdateExpression,
    ConditionExpression: expression.ConditionExpression,
    ExpressionAttributeNames: { ...update.names, ...expression.ExpressionAttributeNames },
    ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
    ReturnValues: returnValues,
  });
}

/**
 * Sends an UpdateItem if `condition` holds and returns the item as it is after it (ALL_NEW), or
 * undefined when the condition did not hold.
 */
export async function updateIf(
  client: DocumentClient,
  update: ConditionalUpdate,
  condition: Expression,
): Promise<Record<string, unknown> | undefined> {
  let attributes: Record<string, unknown> | undefined;
  const applied = await writeIf({
    condition,
    send: async (expression) => {
      attributes = (await client.send(conditionalUpdateCommand(update, expression, 'ALL_NEW'))).Attributes;
    },
  });
  if (!applied) return undefined;
  if (attributes === undefined)
    throw new Error('UpdateItem with ReturnValues ALL_NEW returned no attributes.');
  return attributes;
}

/**
 * Sends an UpdateItem if `condition` holds, reading nothing back (the item may be large: a result's
 * logs); true when it was applied.
 */
export function applyIf(
  client: DocumentClient,
  update: ConditionalUpdate,
  condition: Expression,
): Promise<boolean> {
  return writeIf({
    condition,
    send: (expression) => client.send(conditionalUpdateCommand(update, expression, 'NONE')),
  });
}

/** Puts an item that must not exist yet; a taken key is a ConflictError with `message`. */
export async function putIfAbsent(
  client: DocumentClient,
  put: { readonly TableName: string; readonly Item: Record<string, unknown> },
  message: string,
): Promise<void> {
  const created = await writeIf({
    condition: itemAbsent,
    send: (condition) => client.send(new PutCommand({ ...put, ...condition })),
  });
  if (!created) throw new ConflictError(message);
}

// Job results: the states the port's transitions (ports.ts, JobResultStore) may start from.

const STATUS = { '#status': 'status' } as const;

/** PENDING, or already STARTED by this very execution (a repeated start). */
export function resultStartableBy(execution: string): Expression {
  return {
    expression:
      'attribute_exists(pk) AND (#status = :pending OR (#status = :started AND #execution = :execution))',
    names: { ...STATUS, '#execution': 'execution' },
    values: { ':pending': 'PENDING', ':started': 'STARTED', ':execution': execution },
  };
}

/** Not finished yet, or finished this very way (a repeated finish). */
export function resultFinishableAs(status: string): Expression {
  return {
    expression: 'attribute_exists(pk) AND #status IN (:pending, :started, :status)',
    names: STATUS,
    values: { ':pending': 'PENDING', ':started': 'STARTED', ':status': status },
  };
}

/** Exists and is in this status: a transition from it changes the result (and so its counts). */
export function resultIn(status: string): Expression {
  return {
    expression: 'attribute_exists(pk) AND #status = :from',
    names: STATUS,
    values: { ':from': status },
  };
}

/** Still PENDING: its workflow never started. */
export const resultPending: Expression = {
  expression: '#status = :pending',
  names: STATUS,
  values: { ':pending': 'PENDING' },
};

/** STARTED, its log not truncated, and at most these counts so far (so the lines fit). */
export function resultLogHasRoom(countBefore: number, bytesBefore: number): Expression {
  return {
    expression:
      '#status = :started AND #logTruncated = :false AND #logCount <= :countBefore AND #logBytes <= :bytesBefore',
    names: {
      ...STATUS,
      '#logTruncated': 'log_truncated',
      '#logCount': 'log_count',
      '#logBytes': 'log_bytes',
    },
    values: {
      ':started': 'STARTED',
      ':false': false,
      ':countBefore': countBefore,
      ':bytesBefore': bytesBefore,
    },
  };
}

/** STARTED, its log not truncated, and exactly `count` lines long (as read just before). */
export function resultLogAt(count: number): Expression {
  return {
    expression: '#status = :started AND #logTruncated = :false AND #logCount = :count',
    names: { ...STATUS, '#logTruncated': 'log_truncated', '#logCount': 'log_count' },
    values: { ':started': 'STARTED', ':false': false, ':count': count },
  };
}

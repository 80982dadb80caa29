/**
 * Opaque list cursors: base64url of `{"v":1,"key":{…},"dir":"next"|"prev"|"last"|"first","q":"<hash>"}`.
 *
 * `next` and `prev` continue after or before `key`. `last` and `first` lead to the list's last or first
 * page; a filtered list's empty end page links back with them (see query-page.ts), and their `key`
 * is only where they were made.
 *
 * `key` becomes a Query's ExclusiveStartKey, so a cursor is untrusted input that reaches DynamoDB.
 * Decoding is strict (exact shape, exact attribute names, non-empty strings within key size limits,
 * a matching query hash); anything else is the client's mistake, a BadRequestError, never a 500 from
 * DynamoDB rejecting the start key.
 */
import { createHash } from 'node:crypto';
import { BadRequestError } from '../../core/errors';
import { MESSAGES } from '../../core/messages';

export const CURSOR_DIRECTIONS = ['next', 'prev', 'last', 'first'] as const;
export type CursorDirection = (typeof CURSOR_DIRECTIONS)[number];
export type CursorKey = Readonly<Record<string, string>>;

export interface DecodedCursor {
  readonly key: CursorKey;
  readonly dir: CursorDirection;
}

const VERSION = 1;
const MAX_CURSOR_LENGTH = 4096;
/** DynamoDB's limit for a sort key value; partition key values may be 2048 bytes, ours never are. */
const MAX_KEY_VALUE_BYTES = 1024;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

const invalid = (): BadRequestError => new BadRequestError(MESSAGES.invalidCursor);

/** A short fingerprint of the query a cursor belongs to, so a cursor from one list is refused by another. */
export function queryHash(parts: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);
}

export function encodeCursor(key: CursorKey, dir: CursorDirection, q: string): string {
  return Buffer.from(JSON.stringify({ v: VERSION, key, dir, q }), 'utf8').toString('base64url');
}

function isCursorDirection(value: unknown): value is CursorDirection {
  return (CURSOR_DIRECTIONS as readonly unknown[]).includes(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasExactly(object: Record<string, unknown>, names: readonly string[]): boolean {
  const own = Object.keys(object);
  return own.length === names.length && names.every((name) => Object.hasOwn(object, name));
}

function isValidKeyValue(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0) return false;
  const bytes = Buffer.from(value, 'utf8');
  // A lone surrogate does not survive UTF-8, and DynamoDB would refuse it.
  return bytes.length <= MAX_KEY_VALUE_BYTES && bytes.toString('utf8') === value;
}

/**
 * @param expected.q the hash of the query being run
 * @param expected.keyNames the exact attribute names the key must hold
 */
export function decodeCursor(
  cursor: string,
  expected: { readonly q: string; readonly keyNames: readonly string[] },
): DecodedCursor {
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !BASE64URL.test(cursor)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!isPlainObject(parsed) || !hasExactly(parsed, ['v', 'key', 'dir', 'q'])) throw invalid();
  const { v, key, dir, q } = parsed;
  if (v !== VERSION || q !== expected.q || !isCursorDirection(dir)) throw invalid();
  if (!isPlainObject(key) || !hasExactly(key, expected.keyNames)) throw invalid();
  const checked: Record<string, string> = {};
  for (const name of expected.keyNames) {
    const value = key[name];
    if (!isValidKeyValue(value)) throw invalid();
    checked[name] = value;
  }
  return { key: checked, dir };
}

import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { ValidationError } from '../../core/errors';
import { DEFAULT_PAGE_SIZE, type ListRequest, MAX_OFFSET, MAX_PAGE_SIZE } from '../../core/pagination';
import { HttpError } from './http-errors';

/** Bodies are small JSON documents; anything larger is refused before parsing. */
export const MAX_BODY_BYTES = 256 * 1024;
/** Query values become index keys, which DynamoDB caps at 2 KB (partition) and 1 KB (sort). */
const MAX_QUERY_VALUE_LENGTH = 512;
/**
 * Deeper than any request the API takes (a run's variables are the deepest, a few levels), and far
 * below what would overflow the stack of anything that walks the value afterwards.
 */
export const MAX_JSON_DEPTH = 32;

/** The parsed JSON body, or `{}` for an empty one. Only JSON objects are accepted. */
export function jsonBody(event: APIGatewayProxyEventV2): Record<string, unknown> {
  const raw = event.body === undefined || event.body === null ? '' : event.body;
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
    throw new HttpError(413, { detail: `Request body larger than ${MAX_BODY_BYTES} bytes.` });
  }
  if (text.trim() === '') return {};
  const contentType = header(event, 'content-type');
  if (contentType !== undefined && !/^application\/([a-z.+-]*\+)?json\b/i.test(contentType.trim())) {
    throw new HttpError(415, { detail: `Unsupported media type "${contentType}" in request.` });
  }
  if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
    throw new HttpError(400, { detail: `JSON parse error - nested deeper than ${MAX_JSON_DEPTH} levels.` });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, { detail: `JSON parse error - ${(error as Error).message}` });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new HttpError(400, { non_field_errors: ['Invalid data. Expected a dictionary (JSON object).'] });
  }
  return parsed as Record<string, unknown>;
}

/**
 * Whether arrays and objects in `text` nest deeper than `limit`, counted before parsing so that no
 * step (the parser, validation, an error message) ever walks a deeper value. Brackets inside strings
 * do not count; malformed text is left for the parser to report.
 */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 0x5c)
        index += 1; // backslash: skip the escaped character
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) inString = true;
    else if (code === 0x5b || code === 0x7b) {
      depth += 1;
      if (depth > limit) return true;
    } else if (code === 0x5d || code === 0x7d) depth -= 1;
  }
  return false;
}

export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

/**
 * A query parameter holding a whole number between 1 and `max`, with Nautobot's messages. Exported
 * for the routes' own counts.
 */
export function wholeNumberParam(max: number) {
  return z.optional(
    z.pipe(
      z.pipe(
        z.string().check(z.regex(/^\d+$/, 'A whole number is required.')),
        z.transform((value: string) => Number(value)),
      ),
      z
        .number()
        .check(
          z.int(),
          z.minimum(1, 'Ensure this value is at least 1.'),
          z.maximum(max, `Ensure this value is at most ${max}.`),
        ),
    ),
  );
}

const wholeNumber = (description: string) =>
  z.pipe(
    z.string().check(z.regex(/^\d{1,9}$/, 'A whole number is required.'), z.describe(description)),
    z.transform((value: string) => Number(value)),
  );

/**
 * The paging parameters every list takes, spread into its query schema: Nautobot's `limit` and
 * `offset` (LimitOffsetPagination: `limit=0` is the server's page size, a larger limit is cut to it)
 * and the `cursor` its links carry.
 */
export const pageQuery = {
  limit: z.optional(
    z.pipe(
      wholeNumber(
        `Items per page: ${DEFAULT_PAGE_SIZE} if absent, at most ${MAX_PAGE_SIZE}; 0 means ${MAX_PAGE_SIZE}.`,
      ),
      z.transform((limit: number) => (limit === 0 ? MAX_PAGE_SIZE : Math.min(limit, MAX_PAGE_SIZE))),
    ),
  ),
  offset: z.optional(
    wholeNumber(`Items to skip, up to ${MAX_OFFSET}; the \`next\` links go further, with a cursor.`),
  ),
  cursor: z.optional(
    z
      .string()
      .check(z.minLength(1), z.maxLength(4096), z.describe('Where a `next` or `previous` link continues.')),
  ),
};

/** The page a list's validated query asks for. */
export function listRequest(query: { limit?: number; offset?: number; cursor?: string }): ListRequest {
  return { limit: query.limit ?? DEFAULT_PAGE_SIZE, offset: query.offset, cursor: query.cursor };
}

/** A filter value, as given. */
export const textParam = () => z.optional(z.string());

/** `true|1|yes` or `false|0|no`, any case. */
export function booleanParam() {
  return z.optional(
    z.pipe(
      z.string().check(z.regex(/^(true|1|yes|false|0|no)$/i, 'Must be true or false.')),
      z.transform((value: string) => /^(true|1|yes)$/i.test(value)),
    ),
  );
}

/**
 * Reads the query string strictly: every parameter must be one the route declares, given once, and
 * of a bounded length. What remains is validated against the route's schema.
 */
export function singleValuedQuery(
  event: APIGatewayProxyEventV2,
  allowed: readonly string[],
): Record<string, string> {
  const params = new URLSearchParams(event.rawQueryString ?? '');
  const result: Record<string, string> = {};
  const errors: Record<string, string[]> = {};
  for (const [name, value] of params) {
    if (value.length > MAX_QUERY_VALUE_LENGTH && name !== 'cursor') {
      errors[name] = [`Ensure this value has at most ${MAX_QUERY_VALUE_LENGTH} characters.`];
    } else if (!allowed.includes(name)) {
      errors[name] = [`Unknown query parameter. Allowed: ${allowed.join(', ')}.`];
    } else if (name in result) {
      errors[name] = ['Give this parameter once.'];
    } else {
      result[name] = value;
    }
  }
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  return result;
}

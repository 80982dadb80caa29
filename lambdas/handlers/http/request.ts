import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { ValidationError } from '../../core/errors';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type PageRequest } from '../../core/pagination';
import { ENGLISH_MESSAGES } from '../../core/validation-messages';
import { HttpError } from './http-errors';

/** Bodies are small JSON documents; anything larger is refused before parsing. */
export const MAX_BODY_BYTES = 256 * 1024;
/** Query values become index keys, which DynamoDB caps at 2 KB (partition) and 1 KB (sort). */
const MAX_QUERY_VALUE_LENGTH = 512;

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

export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

/** Parses a body (or query) with a zod schema, reporting problems keyed by field as Nautobot does. */
export function parseWith<Schema extends z.ZodMiniType>(schema: Schema, input: unknown): z.output<Schema> {
  const parsed = schema.safeParse(input, ENGLISH_MESSAGES);
  if (parsed.success) return parsed.data;
  throw new ValidationError(zodFieldErrors(parsed.error));
}

export function zodFieldErrors(error: z.core.$ZodError): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) fields[key] = [...(fields[key] ?? []), 'This field is not allowed.'];
      continue;
    }
    const key = issue.path.length === 0 ? 'non_field_errors' : issue.path.map(String).join('.');
    fields[key] = [...(fields[key] ?? []), issue.message];
  }
  return fields;
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

const pageQuery = z.object({
  limit: wholeNumberParam(MAX_PAGE_SIZE),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(4096))),
});

/**
 * Reads the query string strictly: every parameter must be one the endpoint knows, given once.
 * Returns the page request and the remaining (filter) parameters.
 */
export function listQuery(
  event: APIGatewayProxyEventV2,
  filters: readonly string[],
): { page: PageRequest; filters: Record<string, string> } {
  const query = singleValuedQuery(event, ['limit', 'cursor', ...filters]);
  const { limit, cursor } = parseWith(pageQuery, { limit: query.limit, cursor: query.cursor });
  const rest: Record<string, string> = {};
  for (const name of filters) {
    const value = query[name];
    if (value !== undefined) rest[name] = value;
  }
  return { page: { limit: limit ?? DEFAULT_PAGE_SIZE, cursor }, filters: rest };
}

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

export function parseBooleanParam(name: string, value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (/^(true|1|yes)$/i.test(value)) return true;
  if (/^(false|0|no)$/i.test(value)) return false;
  throw new ValidationError({ [name]: ['Must be true or false.'] });
}

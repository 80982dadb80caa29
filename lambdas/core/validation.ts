/**
 * The one mapping from zod issues to Nautobot's field errors, used by the HTTP edge (paths, queries,
 * bodies) and by core (a job's variables). Validation returns a result; callers decide what a
 * failure becomes.
 */
import type * as z from 'zod/mini';
import { ENGLISH_MESSAGES } from './validation-messages';

/**
 * Field → messages, nested like the request (`{"data": {"numbers": ["..."]}}`), as Django REST
 * Framework answers. Built on null-prototype objects: the keys come from the request, and a key such
 * as `constructor` or `__proto__` must be an ordinary field, never a property every object inherits.
 */
export interface FieldErrors {
  [field: string]: string[] | FieldErrors;
}

export type Validated<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly errors: FieldErrors };

export interface FieldErrorOptions {
  /** What an unknown key is told, e.g. "This field is not allowed." */
  readonly unknownKey: string;
}

/** An empty error map with no prototype, so that request-supplied keys cannot reach one. */
export function emptyFieldErrors(): FieldErrors {
  return Object.create(null) as FieldErrors;
}

/**
 * Adds `message` under `path` (`[]` is the whole value: `non_field_errors`). Where a field already
 * holds messages and a nested error arrives below it (or the reverse), the messages stay at that
 * level under `non_field_errors`, so nothing is lost.
 */
export function addFieldError(fields: FieldErrors, path: readonly PropertyKey[], message: string): void {
  let level = fields;
  const keys = path.length === 0 ? ['non_field_errors'] : path.map(String);
  for (const [index, key] of keys.entries()) {
    const last = index === keys.length - 1;
    const existing = Object.hasOwn(level, key) ? level[key] : undefined;
    if (last) {
      if (existing === undefined) level[key] = [message];
      else if (Array.isArray(existing)) existing.push(message);
      else addFieldError(existing, [], message);
      return;
    }
    if (existing === undefined || Array.isArray(existing)) {
      const nested = emptyFieldErrors();
      if (Array.isArray(existing)) nested.non_field_errors = existing;
      level[key] = nested;
      level = nested;
    } else {
      level = existing;
    }
  }
}

/** Issues nested by path (`non_field_errors` for the whole value); unknown keys by their own name. */
export function fieldErrors(error: z.core.$ZodError, options: FieldErrorOptions): FieldErrors {
  const fields = emptyFieldErrors();
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) addFieldError(fields, [...issue.path, key], options.unknownKey);
      continue;
    }
    addFieldError(fields, issue.path, issue.message);
  }
  return fields;
}

/** Parses with zod's English messages and reports problems as field errors instead of throwing. */
export function validate<Schema extends z.ZodMiniType>(
  schema: Schema,
  input: unknown,
  options: FieldErrorOptions = { unknownKey: 'This field is not allowed.' },
): Validated<z.output<Schema>> {
  const parsed = schema.safeParse(input, ENGLISH_MESSAGES);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, errors: fieldErrors(parsed.error, options) };
}

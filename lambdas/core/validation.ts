/**
 * The one mapping from zod issues to Nautobot's field errors, used by the HTTP edge (paths, queries,
 * bodies) and by core (a job's variables). Validation returns a result; callers decide what a
 * failure becomes.
 */
import type * as z from 'zod/mini';
import { ENGLISH_MESSAGES } from './validation-messages';

export type FieldErrors = Record<string, string[]>;

export type Validated<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly errors: FieldErrors };

export interface FieldErrorOptions {
  /** What an unknown key is told, e.g. "This field is not allowed." */
  readonly unknownKey: string;
}

/** Issues keyed by dotted path (`non_field_errors` for the whole value); unknown keys by their own name. */
export function fieldErrors(error: z.core.$ZodError, options: FieldErrorOptions): FieldErrors {
  const fields: FieldErrors = {};
  const add = (key: string, message: string) => {
    fields[key] = [...(fields[key] ?? []), message];
  };
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) add(key, options.unknownKey);
      continue;
    }
    add(issue.path.length === 0 ? 'non_field_errors' : issue.path.map(String).join('.'), issue.message);
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

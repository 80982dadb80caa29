/**
 * zod/mini installs no messages of its own (every issue would read "Invalid input"), while zod's
 * classic API installs the English ones globally. Passing them to each parse keeps zod's usual
 * English messages without a global side effect, which tree-shaking could drop.
 */
import type * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

/** Parse options giving zod's English messages; a schema's own `error` still takes precedence. */
export const ENGLISH_MESSAGES: z.core.ParseContext<z.core.$ZodIssue> = { error: en().localeError };

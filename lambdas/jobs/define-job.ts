import * as z from 'zod/mini';
import type { JobDefinition, JobOutput, JobRunContext } from '../core/jobs';

export interface JobSpec<Schema extends z.ZodMiniObject> {
  /** `{source}/{module}/{Name}`. */
  readonly path: string;
  /** Human name; defaults to the last part of the path. */
  readonly name?: string;
  readonly description?: string;
  /**
   * The job's input as a zod/mini object (`z.strictObject({...})`); exposed in the API as JSON Schema,
   * with each variable's `z.describe(...)` as its description. Defaults to no variables.
   */
  readonly variables?: Schema;
  /** @default false */
  readonly approvalRequired?: boolean;
  /** @default false */
  readonly supportsDryrun?: boolean;
  /** @default true — as in Nautobot, a job must opt out of being treated as sensitive. */
  readonly hasSensitiveVariables?: boolean;
  /** @default true */
  readonly enabled?: boolean;
  /** @default 300 */
  readonly timeLimitSeconds?: number;
  run(
    context: JobRunContext,
    variables: z.output<Schema>,
  ): Promise<JobOutput | undefined> | JobOutput | undefined;
}

/** Declares a job with Nautobot's defaults filled in, keeping the variables' types for `run`. */
export function defineJob<
  Schema extends z.ZodMiniObject = z.ZodMiniObject<Record<string, never>, z.core.$strict>,
>(spec: JobSpec<Schema>): JobDefinition<Schema> {
  const variables = (spec.variables ?? z.strictObject({})) as Schema;
  return {
    path: spec.path,
    name: spec.name ?? spec.path.split('/').at(-1) ?? spec.path,
    description: spec.description ?? '',
    variables,
    approvalRequired: spec.approvalRequired ?? false,
    supportsDryrun: spec.supportsDryrun ?? false,
    hasSensitiveVariables: spec.hasSensitiveVariables ?? true,
    enabled: spec.enabled ?? true,
    timeLimitSeconds: spec.timeLimitSeconds ?? 300,
    run: spec.run,
  };
}

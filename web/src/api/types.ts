/**
 * The API's answers, typed from the serializers that produce them, so the page and the API cannot
 * drift apart silently (a renamed field fails `npm run typecheck`).
 */
import type {
  serializeJob,
  serializeJobResult,
  serializeLogs,
  serializePrincipal,
  serializeScheduledJob,
  serializeToken,
  serializeUser,
} from '../../../lambdas/handlers/http/serializers';

export type Job = ReturnType<typeof serializeJob>;
export type JobResult = ReturnType<typeof serializeJobResult>;
export type LogLine = ReturnType<typeof serializeLogs>[number];
export type User = ReturnType<typeof serializeUser>;
export type Token = ReturnType<typeof serializeToken>;

export type ApprovalStatus = 'not_required' | 'pending' | 'approved' | 'denied';

export interface HistoryEntry {
  readonly action: 'requested' | 'approved' | 'denied' | 'dry_run' | 'paused' | 'resumed' | 'deleted';
  readonly user: string;
  readonly time: string;
  readonly comment: string | null;
}

/** The approval fields of the approvals contract (docs: /work/notes/approvals-api.md). */
export interface ApprovalFields {
  readonly approval_status?: ApprovalStatus;
  readonly decided_by_user?: string | null;
  readonly decided_at?: string | null;
  readonly decision_comment?: string | null;
  readonly history?: readonly HistoryEntry[];
  readonly start_time_passed?: boolean;
}

export type ScheduledJob = ReturnType<typeof serializeScheduledJob> & ApprovalFields;

export interface Page<T> {
  readonly count: number | null;
  readonly next: string | null;
  readonly previous: string | null;
  readonly results: T[];
}

export interface RunResponse {
  readonly scheduled_job: ScheduledJob | null;
  readonly job_result: JobResult | null;
}

export interface SchedulePreview {
  readonly next_run_times: string[];
  readonly schedule_expression: string | null;
  readonly time_zone: string;
}

export type Me = ReturnType<typeof serializePrincipal>;

/** The subset of JSON Schema (draft 2020-12, as zod writes it) the run form understands. */
export interface JsonSchema {
  readonly type?: string | string[];
  readonly description?: string;
  readonly default?: unknown;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly items?: JsonSchema;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly format?: string;
}

/**
 * The ports core depends on. Adapters (DynamoDB, Step Functions, EventBridge Scheduler, and the
 * local emulators) implement them; use cases receive them as arguments and never construct them.
 */
import type { JobResult, JobResultFilter, JobResultStatus } from './job-results';
import type { JobOutput, LogLine } from './jobs';
import type { Page, PageRequest } from './pagination';
import type {
  ApprovalStatus,
  ClaimOutcome,
  Decision,
  Handoff,
  HistoryEntry,
  ScheduledJob,
  ScheduledJobCondition,
  ScheduledJobFilter,
} from './scheduled-jobs';
import type { Token, User } from './users';

export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  newId(): string;
}

export interface JobResultStore {
  /** Fails with ConflictError if the id is taken. */
  create(result: JobResult): Promise<void>;
  get(id: string): Promise<JobResult | undefined>;
  list(filter: JobResultFilter, page: PageRequest): Promise<Page<JobResult>>;
  /** How many results the list with this filter holds (kept as counters: no read of the list). */
  count(filter: JobResultFilter): Promise<number>;
  /**
   * Corrects counts that drifted (a process that stopped between a write and its count); returns
   * how many were corrected.
   */
  repairCounts(): Promise<number>;
  /**
   * PENDING → STARTED for the given execution. Repeating it for the same execution is a no-op;
   * anything else throws StaleStateError.
   */
  markStarted(id: string, execution: string, at: string): Promise<JobResult>;
  /**
   * PENDING → FAILURE, for a run whose start was refused. False when the result has moved on (its
   * workflow did start after all) or does not exist: then it is left alone.
   */
  abandon(id: string, error: string, at: string): Promise<boolean>;
  /** Appends while the result is STARTED; lines past MAX_LOG_LINES are dropped with one notice. */
  appendLogs(id: string, lines: readonly LogLine[]): Promise<void>;
  /**
   * PENDING or STARTED → a finished status. Repeating the same outcome is a no-op; finishing an
   * already finished result differently throws StaleStateError.
   */
  finish(id: string, outcome: RunOutcome, at: string): Promise<JobResult>;
  /** Results in PENDING or STARTED, oldest first (used to reconcile runs a restart interrupted). */
  listUnfinished(page: PageRequest): Promise<Page<JobResult>>;
}

export type RunOutcome =
  | { readonly status: Extract<JobResultStatus, 'SUCCESS'>; readonly output?: JobOutput | undefined }
  | {
      readonly status: Extract<JobResultStatus, 'FAILURE' | 'REVOKED'>;
      readonly error: string;
      readonly output?: JobOutput | undefined;
    };

export interface UserStore {
  /** Fails with ConflictError if the username is taken. */
  create(user: User): Promise<void>;
  get(username: string): Promise<User | undefined>;
  list(page: PageRequest): Promise<Page<User>>;
  count(): Promise<number>;
}

export interface TokenStore {
  create(token: Token): Promise<void>;
  findByKeyHash(keyHash: string): Promise<Token | undefined>;
  /**
   * The token with this id. Eventually consistent when deployed (an index read): a token created or
   * deleted a moment ago may not be seen as such yet.
   */
  findById(id: string): Promise<Token | undefined>;
  /** Deletes the token with this key hash in one conditional write; false when it was already gone. */
  delete(keyHash: string): Promise<boolean>;
  /** All tokens, or one user's, newest first. */
  list(filter: { readonly user?: string | undefined }, page: PageRequest): Promise<Page<Token>>;
  count(filter: { readonly user?: string | undefined }): Promise<number>;
}

/**
 * A run's input: as is, or, for a job with sensitive variables, only as an InputSealer's ciphertext,
 * because Step Functions keeps every execution input and task parameter in its history.
 */
export type RunInput =
  | { readonly data: Record<string, unknown>; readonly sealedData?: undefined }
  | { readonly sealedData: string; readonly data?: undefined };

/** What a run workflow execution needs. */
export type WorkflowRun = RunInput & {
  readonly jobResultId: string;
  readonly jobPath: string;
  readonly timeLimitSeconds: number;
};

/**
 * Encrypts a run's input for the trip through the workflow, bound to its job result: opening it
 * with any other job result id fails, so a sealed input cannot be replayed into another run.
 */
export interface InputSealer {
  seal(data: Record<string, unknown>, context: { readonly jobResultId: string }): Promise<string>;
  /** Fails if the sealed string was altered or sealed for another job result. */
  open(sealed: string, context: { readonly jobResultId: string }): Promise<Record<string, unknown>>;
}

export interface WorkflowStarter {
  /**
   * Starts the run workflow, named after the job result so that repeating a start is idempotent.
   * Returns the execution's identifier (an ARN when deployed).
   */
  startRun(request: WorkflowRun): Promise<string>;
  /**
   * Starts the workflow for one occurrence of a scheduled job (the guard claims it), under a name
   * derived from the occurrence, so that repeating the start starts nothing new. Used by every
   * schedule's target (so a duplicate delivery starts nothing) and to run an approved request now.
   */
  startOccurrence(occurrence: {
    readonly scheduledJobId: string;
    readonly scheduledTime: string;
  }): Promise<string>;
}

/** Notifications for people and other systems (EventBridge events when deployed; log lines locally). */
export interface EventPublisher {
  publish(event: DomainEvent): Promise<void>;
}

export type DomainEvent =
  | {
      readonly type: 'Approval Requested';
      readonly scheduledJobId: string;
      readonly jobPath: string;
      readonly requester: string;
      readonly startTime?: string | undefined;
    }
  | {
      readonly type: 'Approval Decided';
      readonly scheduledJobId: string;
      readonly jobPath: string;
      readonly requester: string;
      readonly decider: string;
      readonly status: 'approved' | 'denied';
      readonly comment?: string | undefined;
    }
  | {
      readonly type: 'Job Run Finished';
      readonly jobResultId: string;
      readonly jobPath: string;
      readonly user: string;
      readonly status: string;
      readonly scheduledJobId?: string | undefined;
      readonly dryrun: boolean;
    };

export interface ScheduledJobStore {
  /**
   * Fails with ConflictError if the name is taken. Names are unique across scheduled jobs
   * (a reservation keyed by name, released by delete).
   */
  create(job: ScheduledJob): Promise<void>;
  get(id: string): Promise<ScheduledJob | undefined>;
  list(filter: ScheduledJobFilter, page: PageRequest): Promise<Page<ScheduledJob>>;
  count(filter: ScheduledJobFilter): Promise<number>;
  /** As JobResultStore's: corrects counts that drifted; returns how many were corrected. */
  repairCounts(): Promise<number>;
  /**
   * Applies one change in a single conditional write, only if `condition` (a rule from core) holds,
   * with the change's history entry appended in that same write. A deletion keeps the record (its
   * history included) out of every list and frees its name.
   */
  update(id: string, change: ScheduledJobChange, condition: ScheduledJobCondition): Promise<UpdateOutcome>;
  /**
   * Removes the record and frees its name for good, leaving no trace: only for a request whose
   * creation is being undone before anyone was told of it. Undefined if it was already gone.
   */
  delete(id: string): Promise<ScheduledJob | undefined>;
  /**
   * Claims one occurrence for an execution in a single conditional write that also requires the
   * scheduled job to exist and be runnable, and forgets the claims listed in `forget`.
   */
  claimOccurrence(
    id: string,
    occurrence: string,
    execution: string,
    forget: readonly string[],
    options?: {
      /** The approved run of a request: also requires, and clears, its pending `run` handoff. */
      readonly handoff?: boolean | undefined;
    },
  ): Promise<ClaimOutcome>;
  /**
   * Counts the run of a claimed occurrence once: increments `totalRunCount` and sets `lastRunAt`
   * unless that claim is already counted (or forgotten). Missing scheduled jobs are ignored.
   */
  countRun(id: string, occurrence: string, at: string): Promise<void>;
}

/** One change of a scheduled job's state, always with the history entry that records it. */
export interface ScheduledJobChange {
  readonly enabled?: boolean | undefined;
  /** A decision: the status it leads to, and for an approval the handoff still to be done. */
  readonly decision?:
    | {
        readonly status: Extract<ApprovalStatus, 'approved' | 'denied'>;
        readonly decision: Decision;
        readonly handoff?: Handoff | undefined;
      }
    | undefined;
  /** The approval's handoff is done (or has become another kind). */
  readonly handoff?: { readonly done: true } | { readonly switchTo: Handoff } | undefined;
  readonly deleted?: { readonly user: string; readonly at: string } | undefined;
  readonly history?: HistoryEntry | undefined;
}

export type UpdateOutcome =
  | { readonly kind: 'updated'; readonly scheduledJob: ScheduledJob }
  /** The condition did not hold: the record as it is now (undefined when there is none). */
  | { readonly kind: 'refused'; readonly current: ScheduledJob | undefined };

/** EventBridge Scheduler, or its local emulator: one schedule per runnable scheduled job. */
export interface ScheduleGateway {
  /** Creates or replaces the job's schedule so it matches the job (expression, zone, enabled state). */
  put(job: ScheduledJob): Promise<void>;
  /** Deletes the job's schedule; one that is already gone is fine. */
  delete(scheduledJobId: string): Promise<void>;
  /** The job's schedule as the scheduler has it, or undefined when there is none. */
  describe(scheduledJobId: string): Promise<ScheduleState | undefined>;
}

/** What reconciling compares: whether the scheduler will fire the schedule, and at what. */
export interface ScheduleState {
  readonly state: 'ENABLED' | 'DISABLED';
  /**
   * False for a schedule that invokes another target than the one the gateway puts now (one made
   * before the target changed): it delivers nowhere until it is put again.
   */
  readonly currentTarget: boolean;
}

/**
 * The business signals operators watch and alarm on, as counts. Each method is one event that has
 * happened (a write that held), so a retried step that finds its work done does not count it again
 * where the use case can tell. Publishing is the adapter's concern: CloudWatch metrics in Lambda,
 * counters in memory locally and in tests.
 */
export interface BusinessMetrics {
  /** A run's workflow marked its job result STARTED. */
  runStarted(): void;
  /** A job result reached a final status (the job's outcome, a workflow failure or an abandoned run). */
  runFinished(status: Extract<JobResultStatus, 'SUCCESS' | 'FAILURE' | 'REVOKED'>): void;
  /** A scheduler delivery of an occurrence that had already been claimed, refused by the guard. */
  duplicateDeliveryRefused(): void;
  /** The reconciler put back a schedule that was missing or in the wrong state. */
  scheduleRepaired(): void;
  /** A job request entered the approval queue. */
  approvalRequested(): void;
  /** A request in the approval queue was approved or denied. */
  approvalDecided(decision: 'approved' | 'denied'): void;
}

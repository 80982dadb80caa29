/**
 * Domain errors. Each maps to exactly one HTTP status in the handlers' error table;
 * core never knows about HTTP, only about what went wrong.
 *
 * Every error class spells out its `name`: the Lambda bundles are minified without `keepNames`
 * (which cost 26–43 KiB per function), and the run workflow catches errors by that name.
 */
export abstract class DomainError extends Error {
  abstract readonly kind:
    | 'authentication'
    | 'permission'
    | 'not-found'
    | 'validation'
    | 'bad-request'
    | 'conflict'
    | 'gone'
    | 'not-allowed'
    | 'unavailable';
}

/** No, unknown, expired or malformed credentials. */
export class AuthenticationError extends DomainError {
  override readonly name = 'AuthenticationError';
  readonly kind = 'authentication';
}

/** The caller is known but may not do this. */
export class PermissionDeniedError extends DomainError {
  override readonly name = 'PermissionDeniedError';
  readonly kind = 'permission';
}

export class NotFoundError extends DomainError {
  override readonly name = 'NotFoundError';
  readonly kind = 'not-found';
}

/** Field-keyed problems with the request body, reported the way Nautobot reports them. */
export class ValidationError extends DomainError {
  override readonly name = 'ValidationError';
  readonly kind = 'validation';
  constructor(readonly fields: Record<string, unknown>) {
    super('Invalid input.');
  }
}

/** A request-level problem that is not tied to one field (bad cursor, bad query value, bad JSON). */
export class BadRequestError extends DomainError {
  override readonly name = 'BadRequestError';
  readonly kind = 'bad-request';
}

/** The request conflicts with the current state (duplicate name, decision already taken). */
export class ConflictError extends DomainError {
  override readonly name = 'ConflictError';
  readonly kind = 'conflict';
}

/** The record existed and was deleted; it is kept, with its history, but can no longer change. */
export class GoneError extends DomainError {
  readonly kind = 'gone';
}

/** The operation does not apply to this record at all (a dry run of a job that has none). */
export class NotAllowedError extends DomainError {
  readonly kind = 'not-allowed';
}

/** A dependency (the workflow service, the scheduler) refused or failed; the request changed nothing. */
export class ServiceUnavailableError extends DomainError {
  override readonly name = 'ServiceUnavailableError';
  readonly kind = 'unavailable';
}

/** A conditional write lost against the state it expected; callers decide what that means. */
export class StaleStateError extends Error {
  constructor(message = 'The item was not in the expected state.') {
    super(message);
    this.name = 'StaleStateError';
  }
}

/** A sealed run input that was altered, malformed, or sealed for another job result. */
/**
 * The sealed input could not be opened for a passing reason (the key service throttled or failed).
 * Nothing has run yet, so the workflow retries the run step on this error by name.
 */
export class InputUnavailableError extends Error {
  constructor(message = 'The sealed input could not be opened just now.', options?: ErrorOptions) {
    super(message, options);
    this.name = 'InputUnavailableError';
  }
}

export class SealedInputError extends Error {
  constructor(message = 'The sealed input could not be opened.', options?: ErrorOptions) {
    super(message, options);
    this.name = 'SealedInputError';
  }
}

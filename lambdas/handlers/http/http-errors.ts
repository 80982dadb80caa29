import type { DomainError } from '../../core/errors';

/** An error that already knows its HTTP answer (routing, media type, body parsing). */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body.detail === 'string' ? body.detail : `HTTP ${statusCode}`);
    this.name = 'HttpError';
  }
}

/** The one table from domain errors to HTTP answers. */
const STATUS_BY_KIND: Record<DomainError['kind'], number> = {
  authentication: 401,
  permission: 403,
  'not-found': 404,
  validation: 400,
  'bad-request': 400,
  conflict: 409,
  gone: 410,
  'not-allowed': 405,
  unavailable: 503,
};

export function statusFor(kind: DomainError['kind']): number {
  return STATUS_BY_KIND[kind];
}

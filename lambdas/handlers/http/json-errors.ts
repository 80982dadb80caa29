import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DomainError, ValidationError } from '../../core/errors';
import { HttpError, statusFor } from './http-errors';
import { json } from './responses';

/**
 * Turns every error into a JSON answer: domain errors through the one status table, HTTP errors
 * as they are, and anything else into a 500 that says nothing about its cause (which is logged).
 */
export function jsonErrors(
  logger: Logger,
): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    onError: async (request) => {
      const response = toResponse(request.error, logger);
      request.response = response;
      const status = response.statusCode ?? 500;
      // A refused request is the caller's mistake, not the service's: one short INFO line.
      if (status < 500) {
        logger.info('Request refused', {
          method: request.event.requestContext.http.method,
          path: request.event.rawPath,
          status,
          reason: request.error instanceof Error ? request.error.message : undefined,
        });
      }
    },
  };
}

export function toResponse(error: unknown, logger: Logger): APIGatewayProxyStructuredResultV2 {
  if (error instanceof HttpError) return json(error.statusCode, error.body, error.headers);
  if (error instanceof ValidationError) return json(400, error.fields);
  if (error instanceof DomainError) {
    const status = statusFor(error.kind);
    if (status >= 500) logger.error('Dependency unavailable', { error });
    const headers: Record<string, string> = status === 401 ? { 'www-authenticate': 'Token' } : {};
    return json(status, { detail: error.message }, headers);
  }
  logger.error('Unhandled error', { error: error as Error });
  return json(500, { detail: 'Internal server error.' });
}

/**
 * Nautobot's REST API versioning, which its clients rely on: every answer names the API version in
 * an `API-Version` header (pynautobot reads it from `GET /api/`), and a request may ask for a version
 * with `Accept: application/json; version=2.4`; one this server does not serve is a 406.
 */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { API_VERSION } from '../../core/version';
import { HttpError } from './http-errors';
import { header } from './request';

export const SUPPORTED_API_VERSIONS: readonly string[] = [API_VERSION];

/** Refuses a request that asks for an API version this server does not serve. */
export function checkRequestedVersion(event: APIGatewayProxyEventV2): void {
  const accept = header(event, 'accept');
  if (accept === undefined) return;
  for (const mediaRange of accept.split(',')) {
    const version = /;\s*version\s*=\s*"?([^";,\s]*)"?/i.exec(mediaRange)?.[1];
    if (version !== undefined && !SUPPORTED_API_VERSIONS.includes(version)) {
      throw new HttpError(406, {
        detail: `Invalid version in "Accept" header. Supported versions are ${SUPPORTED_API_VERSIONS.join(', ')}.`,
      });
    }
  }
}

/** Puts `API-Version` on every answer, errors included; registered outside the error middleware. */
export function apiVersionHeader(): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  const stamp = (request: { response?: APIGatewayProxyStructuredResultV2 | null }) => {
    if (request.response) {
      request.response = {
        ...request.response,
        headers: { ...request.response.headers, 'api-version': API_VERSION },
      };
    }
  };
  return { after: async (request) => stamp(request), onError: async (request) => stamp(request) };
}

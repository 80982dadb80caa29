/**
 * `Accept: application/json; indent=4`, which Nautobot's own curl examples send (Django REST
 * Framework's JSONRenderer reads it): the answer is pretty-printed with that many spaces.
 */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { header } from './request';

/** DRF caps nothing; past 8 spaces the answer only grows. */
const MAX_INDENT = 8;

/** The indent a request asks for, or undefined for compact JSON. */
export function requestedIndent(event: APIGatewayProxyEventV2): number | undefined {
  const accept = header(event, 'accept');
  if (accept === undefined) return undefined;
  const found = /;\s*indent\s*=\s*"?(\d{1,3})"?/i.exec(accept)?.[1];
  if (found === undefined) return undefined;
  const indent = Math.min(Number(found), MAX_INDENT);
  return indent > 0 ? indent : undefined;
}

/** Registered outside the error middleware, so that error answers are indented too. */
export function jsonIndent(): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  const indent = (request: {
    event: APIGatewayProxyEventV2;
    response?: APIGatewayProxyStructuredResultV2 | null;
  }) => {
    const spaces = requestedIndent(request.event);
    const response = request.response;
    if (spaces === undefined || !response || typeof response.body !== 'string' || response.body === '')
      return;
    const type = Object.entries(response.headers ?? {}).find(
      ([name]) => name.toLowerCase() === 'content-type',
    )?.[1];
    if (typeof type !== 'string' || !type.startsWith('application/json')) return;
    request.response = { ...response, body: JSON.stringify(JSON.parse(response.body), null, spaces) };
  };
  return { after: async (request) => indent(request), onError: async (request) => indent(request) };
}

import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { PermissionDeniedError } from '../core/errors';
import type { Principal } from '../core/permissions';
import { apiVersionHeader, checkRequestedVersion } from './http/api-version';
import { jsonErrors } from './http/json-errors';
import { jsonIndent } from './http/json-indent';
import { principalFrom } from './http/principal-context';
import { header } from './http/request';
import { dispatch, match, type Route } from './http/router';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Who calls a public route: nobody in particular, with no permissions. */
const ANONYMOUS: Principal = { username: '', isSuperuser: false, permissions: [], writeEnabled: false };

/** The HTTP API: authenticate from the authorizer's context, route, answer JSON. */
export function createApiHandler(routes: readonly Route[], logger: Logger) {
  const publicRoutes = routes.filter((route) => route.declaration.public);
  const privateRoutes = routes.filter((route) => !route.declaration.public);
  return (
    middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
      .use(injectLambdaContext(logger, { resetKeys: true }))
      // Before the error middleware, so that its `onError` runs after the error has become an answer.
      .use(apiVersionHeader())
      .use(jsonIndent())
      .use(jsonErrors(logger))
      .handler(async (event) => {
        // The gateway's request id too, so a client's report can be matched to these lines.
        logger.appendKeys({ apiRequestId: event.requestContext.requestId });
        const method = event.requestContext.http.method.toUpperCase();
        const links = { baseUrl: baseUrl(event) };
        checkRequestedVersion(event);
        // The API's own description is public: a browser cannot send a token to a docs page.
        if (publicRoutes.some((route) => route.pattern.test(event.rawPath))) {
          return dispatch(match(publicRoutes, method, event.rawPath), { event, principal: ANONYMOUS, links });
        }
        // Authenticate before routing, so that unauthenticated callers learn nothing about the routes.
        const principal = principalFrom((event.requestContext as { authorizer?: unknown }).authorizer);
        const matched = match(privateRoutes, method, event.rawPath);
        logger.appendKeys({ user: principal.username });
        if (!principal.writeEnabled && !READ_METHODS.has(method)) {
          throw new PermissionDeniedError('This token does not permit write operations.');
        }
        const response = await dispatch(matched, { event, principal, links });
        logger.info('Request handled', { method, path: event.rawPath, status: response.statusCode });
        return response;
      })
  );
}

function baseUrl(event: APIGatewayProxyEventV2): string {
  const proto = header(event, 'x-forwarded-proto') === 'http' ? 'http' : 'https';
  return `${proto}://${event.requestContext.domainName}`;
}

import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';
import { type AuthenticationDeps, authenticate } from '../core/authentication';
import { AuthenticationError } from '../core/errors';
import { type AuthorizerContext, toAuthorizerContext } from './http/principal-context';

/**
 * Resolves the token to a principal. It always authorizes at the gateway and puts either the
 * principal or the reason for refusal in the context; the API answers refusals with a JSON 401.
 * Anything unexpected (the table unreachable) denies outright, failing closed.
 */
export function createAuthorizerHandler(deps: AuthenticationDeps, logger: Logger) {
  return middy<
    APIGatewayRequestAuthorizerEventV2,
    APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>
  >()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event) => {
      const authorization = Object.entries(event.headers ?? {}).find(
        ([k]) => k.toLowerCase() === 'authorization',
      )?.[1];
      try {
        const principal = await authenticate(deps, authorization);
        return { isAuthorized: true, context: toAuthorizerContext(principal) };
      } catch (error) {
        if (error instanceof AuthenticationError) {
          logger.info('Authentication refused', { reason: error.message });
          return { isAuthorized: true, context: { denied: error.message } };
        }
        logger.error('Authorizer failed', { error: error as Error });
        throw error;
      }
    });
}

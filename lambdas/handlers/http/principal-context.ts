/**
 * The authorizer's answer travels in the request context as flat strings (what an HTTP API
 * Lambda authorizer's context may hold). It either names the caller or says why there is none:
 * HTTP APIs cannot shape an authorizer's deny response, so the API turns a denial into a
 * JSON 401 itself.
 */
import * as z from 'zod/mini';
import { AuthenticationError } from '../../core/errors';
import type { Principal } from '../../core/permissions';

export type AuthorizerContext =
  | {
      readonly username: string;
      readonly is_superuser: string;
      readonly permissions: string;
      readonly write_enabled: string;
    }
  | { readonly denied: string };

export function toAuthorizerContext(principal: Principal): AuthorizerContext {
  return {
    username: principal.username,
    is_superuser: String(principal.isSuperuser),
    permissions: JSON.stringify(principal.permissions),
    write_enabled: String(principal.writeEnabled),
  };
}

const principalContext = z.object({
  username: z.string().check(z.minLength(1)),
  is_superuser: z.enum(['true', 'false']),
  permissions: z.string(),
  write_enabled: z.enum(['true', 'false']),
});

export function principalFrom(context: unknown): Principal {
  const lambda = (context as { lambda?: unknown } | undefined)?.lambda as Record<string, unknown> | undefined;
  if (lambda && typeof lambda.denied === 'string') throw new AuthenticationError(lambda.denied);
  const parsed = principalContext.safeParse(lambda);
  if (!parsed.success) throw new AuthenticationError('Authentication credentials were not provided.');
  const permissions = z.array(z.string()).safeParse(JSON.parse(parsed.data.permissions));
  if (!permissions.success) throw new AuthenticationError('Authentication credentials were not provided.');
  return {
    username: parsed.data.username,
    isSuperuser: parsed.data.is_superuser === 'true',
    permissions: permissions.data,
    writeEnabled: parsed.data.write_enabled === 'true',
  };
}

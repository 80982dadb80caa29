import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Principal } from '../../core/permissions';
import { HttpError } from './http-errors';
import type { Links } from './serializers';

export interface RouteContext {
  readonly event: APIGatewayProxyEventV2;
  readonly principal: Principal;
  readonly params: Record<string, string>;
  readonly links: Links;
}

export type RouteHandler = (context: RouteContext) => Promise<APIGatewayProxyStructuredResultV2>;

export interface Route {
  /** Matched against the path; the trailing slash is optional, as clients differ. */
  readonly pattern: RegExp;
  readonly methods: Partial<Record<string, RouteHandler>>;
}

/** `/api/extras/jobs/{job}/` style templates; `{name+}` may span slashes. */
export function route(template: string, methods: Route['methods']): Route {
  const source = template
    .replace(/\/$/, '')
    .replace(/[.]/g, '\\.')
    .replace(/\{(\w+)\+\}/g, '(?<$1>.+?)')
    .replace(/\{(\w+)\}/g, '(?<$1>[^/]+)');
  return { pattern: new RegExp(`^${source}/?$`), methods };
}

export function match(
  routes: readonly Route[],
  method: string,
  path: string,
): { handler: RouteHandler; params: Record<string, string> } {
  for (const candidate of routes) {
    const found = candidate.pattern.exec(path);
    if (!found) continue;
    const handler = candidate.methods[method];
    if (!handler) {
      const allowed = Object.keys(candidate.methods).join(', ');
      throw new HttpError(405, { detail: `Method "${method}" not allowed.` }, { allow: allowed });
    }
    const params: Record<string, string> = {};
    for (const [name, value] of Object.entries(found.groups ?? {})) {
      try {
        params[name] = decodeURIComponent(value);
      } catch {
        throw new HttpError(400, { detail: 'Malformed percent-encoding in the path.' });
      }
    }
    return { handler, params };
  }
  throw new HttpError(404, { detail: 'Not found.' });
}

/**
 * Declared routes: each names its method, path template, path parameters, query and body as zod/mini
 * schemas, and its responses. The router enforces the schemas and the OpenAPI document is generated
 * from the same declarations (openapi.ts), so the two cannot disagree.
 *
 * Matching picks the most specific route: a literal segment beats a parameter, a one-segment
 * parameter beats a greedy `{name+}` one. A route matches only when its path parameters pass their
 * schemas, so `/api/extras/jobs/local/example/run/` is the job `local/example/run` (the run route
 * would need the job `local/example`, which is no job path) and a GET to `…/jobs/{job}/run/` is 405,
 * not the detail of a job whose path ends in `/run` (no job path has four segments). Among the routes
 * whose template matches, the most specific one that declares the method handles the request; when
 * none does, the answer is 405 with every method those templates allow.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { ValidationError } from '../../core/errors';
import type { Principal } from '../../core/permissions';
import { validate } from '../../core/validation';
import { HttpError } from './http-errors';
import { jsonBody, singleValuedQuery } from './request';
import type { Links } from './serializers';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export type ParamsSchema = z.ZodMiniObject<Record<string, z.ZodMiniType<string, string>>>;
/** Query parameters arrive as strings; each may be absent. */
export type QuerySchema = z.ZodMiniObject<Record<string, z.ZodMiniType<unknown, string | undefined>>>;

export interface ResponseDeclaration {
  readonly description: string;
  /** The JSON body; absent for 204. */
  readonly schema?: z.ZodMiniType;
  /** A Nautobot-like example of the body. */
  readonly example?: unknown;
  /** Not JSON (the docs page and its assets). */
  readonly contentType?: string;
}

export interface RouteContext<P = Record<string, string>, Q = Record<string, unknown>, B = undefined> {
  readonly event: APIGatewayProxyEventV2;
  /** The caller; on a public route, an anonymous principal with no permissions. */
  readonly principal: Principal;
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly links: Links;
}

export interface RouteDeclaration<
  P extends ParamsSchema = ParamsSchema,
  Q extends QuerySchema = QuerySchema,
  B extends z.ZodMiniType | undefined = z.ZodMiniType | undefined,
> {
  readonly method: HttpMethod;
  /** `/api/extras/jobs/{job+}/run/`; `{name+}` may span slashes. The trailing slash is optional in requests. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly tag: string;
  /** Readable without a token (the API's own description). */
  readonly public?: boolean;
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  /**
   * The body as the document shows it, when part of it is validated by core with Nautobot's messages
   * (a run's `schedule`) and so is only `unknown` in `body`.
   * @default body
   */
  readonly documentedBody?: z.ZodMiniType;
  /**
   * Errors particular to this route, with an example `{"detail"}`; the ones every route may give
   * (400, 401, 403, 404, 405, 406, 503) are added by the document.
   */
  readonly errors?: Readonly<Record<number, { readonly description: string; readonly detail: string }>>;
  /** Success responses; the error responses every route may give are added by the document. */
  readonly responses: Readonly<Record<number, ResponseDeclaration>>;
  readonly handle: (
    context: RouteContext<z.output<P>, z.output<Q>, B extends z.ZodMiniType ? z.output<B> : undefined>,
  ) => Promise<APIGatewayProxyStructuredResultV2>;
}

/** Keeps each route's types while collecting routes of different shapes in one list. */
export function defineRoute<
  P extends ParamsSchema = z.ZodMiniObject<Record<never, never>>,
  Q extends QuerySchema = z.ZodMiniObject<Record<never, never>>,
  B extends z.ZodMiniType | undefined = undefined,
>(declaration: RouteDeclaration<P, Q, B>): Route {
  return compile(declaration as unknown as RouteDeclaration);
}

export interface Route {
  readonly declaration: RouteDeclaration;
  readonly pattern: RegExp;
  /** Higher is more specific. */
  readonly specificity: number;
}

const NO_PARAMS: ParamsSchema = z.strictObject({});
const NO_QUERY: QuerySchema = z.strictObject({});

function compile(declaration: RouteDeclaration): Route {
  const segments = declaration.path.replace(/^\/|\/$/g, '').split('/');
  let specificity = 0;
  const source = segments
    .map((segment) => {
      const greedy = /^\{(\w+)\+\}$/.exec(segment);
      if (greedy) return `(?<${greedy[1]}>.+?)`;
      const single = /^\{(\w+)\}$/.exec(segment);
      if (single) {
        specificity += 1;
        return `(?<${single[1]}>[^/]+)`;
      }
      specificity += 2;
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { declaration, pattern: new RegExp(`^/${source}/?$`), specificity };
}

export interface Matched {
  readonly route: RouteDeclaration;
  readonly params: Record<string, string>;
}

/** Orders routes most specific first, once, so matching takes the first that fits. */
export function sortRoutes(routes: readonly Route[]): Route[] {
  return [...routes].sort((a, b) => b.specificity - a.specificity);
}

export function match(routes: readonly Route[], method: string, path: string): Matched {
  const allowed = new Set<string>();
  for (const candidate of routes) {
    const found = candidate.pattern.exec(path);
    if (!found) continue;
    const params = decodeParams(found.groups ?? {});
    if (!validate(candidate.declaration.params ?? NO_PARAMS, params).ok) continue;
    if (candidate.declaration.method === method) return { route: candidate.declaration, params };
    allowed.add(candidate.declaration.method);
  }
  if (allowed.size > 0) {
    throw new HttpError(
      405,
      { detail: `Method "${method}" not allowed.` },
      { allow: [...allowed].join(', ') },
    );
  }
  throw new HttpError(404, { detail: 'Not found.' });
}

function decodeParams(groups: Record<string, string>): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(groups)) {
    try {
      params[name] = decodeURIComponent(value);
    } catch {
      throw new HttpError(400, { detail: 'Malformed percent-encoding in the path.' });
    }
  }
  return params;
}

/** Runs a matched route: its query and body are read and validated here, never in the handler. */
export async function dispatch(
  matched: Matched,
  context: Pick<RouteContext, 'event' | 'principal' | 'links'>,
): Promise<APIGatewayProxyStructuredResultV2> {
  const { route } = matched;
  const querySchema = route.query ?? NO_QUERY;
  const raw = singleValuedQuery(context.event, Object.keys(querySchema.def.shape));
  const query = validate(querySchema, raw);
  if (!query.ok) throw new ValidationError(query.errors);
  let body: unknown;
  if (route.body !== undefined) {
    const parsed = validate(route.body, jsonBody(context.event));
    if (!parsed.ok) throw new ValidationError(parsed.errors);
    body = parsed.value;
  }
  const params = validate(route.params ?? NO_PARAMS, matched.params);
  if (!params.ok) throw new ValidationError(params.errors);
  return route.handle({ ...context, params: params.value, query: query.value, body });
}

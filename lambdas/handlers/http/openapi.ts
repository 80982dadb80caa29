/**
 * The OpenAPI 3.1 document, generated from the route declarations that the router enforces: the
 * same path, query and body schemas, the declared responses, and the error answers every route may
 * give. JSON Schema 2020-12 (what zod emits) is OpenAPI 3.1's own dialect, so schemas go in as they are.
 */
import * as z from 'zod/mini';
import type { Route, RouteDeclaration } from './router';

export interface DocumentInfo {
  readonly title: string;
  readonly version: string;
  readonly description: string;
}

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodMiniType): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
  return rest;
}

const errorDetail = z.object({ detail: z.string() });
const fieldErrors = z.record(z.string(), z.unknown());

const ERROR_REF = { $ref: '#/components/schemas/ErrorDetail' };
const FIELD_ERRORS_REF = { $ref: '#/components/schemas/FieldErrors' };

function errorResponse(description: string, example: unknown, schema: unknown = ERROR_REF) {
  return { description, content: { 'application/json': { schema, example } } };
}

/** What every route may answer besides its own success responses. */
function errorResponses(route: RouteDeclaration): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  const takesInput = route.body !== undefined || Object.keys(route.query?.def.shape ?? {}).length > 0;
  if (takesInput) {
    responses['400'] = errorResponse(
      'Invalid input: each field with its messages, nested like the request, or a `detail`.',
      { limit: ['Ensure this value is at most 1000.'] },
      { oneOf: [FIELD_ERRORS_REF, ERROR_REF] },
    );
  }
  if (!route.public) {
    responses['401'] = errorResponse('No, an unknown or an expired token.', {
      detail: 'Authentication credentials were not provided.',
    });
    responses['403'] = errorResponse('The caller may not do this.', {
      detail: 'You do not have permission to perform this action.',
    });
  }
  if (route.params !== undefined)
    responses['404'] = errorResponse('No such object, or not visible to the caller.', {
      detail: 'Not found.',
    });
  responses['405'] = errorResponse('The path exists but not with this method.', {
    detail: 'Method "PUT" not allowed.',
  });
  responses['406'] = errorResponse(
    'The `Accept` header asks for an API version this server does not serve.',
    {
      detail: 'Invalid version in "Accept" header. Supported versions are 2.4.',
    },
  );
  if (route.body !== undefined) {
    responses['413'] = errorResponse('The body is larger than 256 KiB.', {
      detail: 'Request body larger than 262144 bytes.',
    });
    responses['415'] = errorResponse('The body is not JSON.', {
      detail: 'Unsupported media type "text/plain" in request.',
    });
  }
  if (!route.public) {
    responses['503'] = errorResponse(
      'A dependency (the workflow or the scheduler) failed; nothing changed.',
      {
        detail: 'The run could not be started. Try again later.',
      },
    );
  }
  for (const [status, error] of Object.entries(route.errors ?? {})) {
    responses[status] = errorResponse(error.description, { detail: error.detail });
  }
  return responses;
}

function operation(route: RouteDeclaration): Record<string, unknown> {
  const parameters: unknown[] = [];
  for (const [name, schema] of Object.entries(route.params?.def.shape ?? {})) {
    const described = jsonSchema(schema);
    parameters.push({
      name,
      in: 'path',
      required: true,
      ...(typeof described.description === 'string' ? { description: described.description } : {}),
      schema: described,
    });
  }
  for (const [name, schema] of Object.entries(route.query?.def.shape ?? {})) {
    const described = jsonSchema(schema);
    parameters.push({
      name,
      in: 'query',
      required: false,
      ...(typeof described.description === 'string' ? { description: described.description } : {}),
      schema: described,
    });
  }
  const responses: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(route.responses)) {
    const contentType = response.contentType ?? 'application/json';
    responses[status] = {
      description: response.description,
      ...(response.schema === undefined && response.contentType === undefined
        ? {}
        : {
            content: {
              [contentType]: {
                ...(response.schema === undefined ? {} : { schema: jsonSchema(response.schema) }),
                ...(response.example === undefined ? {} : { example: response.example }),
              },
            },
          }),
    };
  }
  const body = route.documentedBody ?? route.body;
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    ...(route.public ? { security: [] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(body === undefined
      ? {}
      : { requestBody: { required: false, content: { 'application/json': { schema: jsonSchema(body) } } } }),
    responses: { ...responses, ...errorResponses(route) },
  };
}

/** `{job+}` is how the router spells a parameter that spans slashes; OpenAPI has only `{job}`. */
export function openApiPath(template: string): string {
  return template.replace(/\{(\w+)\+\}/g, '{$1}');
}

export function openApiDocument(routes: readonly Route[], info: DocumentInfo): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { declaration } of routes) {
    const path = openApiPath(declaration.path);
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[declaration.method.toLowerCase()] = operation(declaration);
  }
  const sorted = Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b)));
  return {
    openapi: '3.1.0',
    info,
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    security: [{ tokenAuth: [] }],
    paths: sorted,
    components: {
      securitySchemes: {
        tokenAuth: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description: 'An API token, sent as `Authorization: Token <key>`.',
        },
      },
      schemas: { ErrorDetail: jsonSchema(errorDetail), FieldErrors: jsonSchema(fieldErrors) },
    },
  };
}

/** The API describing itself: the OpenAPI document and the page that renders it, readable without a token. */
import * as z from 'zod/mini';
import { NotFoundError } from '../../../core/errors';
import { API_VERSION, COUNTERSIGN_VERSION } from '../../../core/version';
import { DOCS_ASSETS, type DocsAssetName, type DocsAssets } from '../docs-assets';
import { openApiDocument } from '../openapi';
import { json } from '../responses';
import { defineRoute, type Route } from '../router';

const TAG = 'api';

const DOCUMENT_INFO = {
  title: 'Countersign API',
  version: `${COUNTERSIGN_VERSION} (API ${API_VERSION})`,
  description:
    "Job scheduling with four-eyes approval. Paths, request shapes and messages follow Nautobot's " +
    `REST API ${API_VERSION} (Job Scheduling and Approvals). Send \`Authorization: Token <key>\`.`,
};

const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Countersign API</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css">
</head>
<body>
<div id="docs"></div>
<script src="/api/docs/swagger-ui-bundle.js"></script>
<script>
SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#docs', validatorUrl: null, deepLinking: true });
</script>
</body>
</html>
`;

const openApiSchema = z.record(z.string(), z.unknown()).check(z.describe('An OpenAPI 3.1 document.'));

/** `routes` is every route the API serves, these included, read when the document is first asked for. */
export function apiDocsRoutes(routes: () => readonly Route[], assets: DocsAssets): Route[] {
  let document: Record<string, unknown> | undefined;
  const openApi = () => {
    document ??= openApiDocument(routes(), DOCUMENT_INFO);
    return document;
  };
  const cached = { 'cache-control': 'public, max-age=300' };
  return [
    defineRoute({
      method: 'GET',
      path: '/api/openapi.json',
      operationId: 'openapi_retrieve',
      summary: 'This document',
      tag: TAG,
      public: true,
      responses: { 200: { description: 'The OpenAPI 3.1 document.', schema: openApiSchema } },
      handle: async () => json(200, openApi(), cached),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/docs/',
      operationId: 'docs_retrieve',
      summary: 'The API documentation page; `?format=openapi` gives the document (as pynautobot asks for it)',
      tag: TAG,
      public: true,
      query: z.strictObject({
        format: z.optional(z.enum(['openapi'], { error: 'Select a valid choice: openapi.' })),
      }),
      responses: {
        200: {
          description: 'The page (HTML), or the document with `?format=openapi`.',
          contentType: 'text/html',
        },
      },
      handle: async ({ query }) =>
        query.format === 'openapi'
          ? json(200, openApi(), cached)
          : {
              statusCode: 200,
              headers: { 'content-type': 'text/html; charset=utf-8', ...cached },
              body: DOCS_PAGE,
            },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/docs/{asset}',
      operationId: 'docs_asset_retrieve',
      summary: "The docs page's script and style sheet (Swagger UI)",
      tag: TAG,
      public: true,
      params: z.strictObject({
        asset: z.enum(Object.keys(DOCS_ASSETS) as [DocsAssetName, ...DocsAssetName[]]),
      }),
      responses: { 200: { description: 'The file.', contentType: 'text/javascript' } },
      handle: async ({ params }) => {
        const text = await assets.read(params.asset);
        if (text === undefined) throw new NotFoundError('Not found.');
        return {
          statusCode: 200,
          headers: { 'content-type': DOCS_ASSETS[params.asset], 'cache-control': 'public, max-age=86400' },
          body: text,
        };
      },
    }),
  ];
}

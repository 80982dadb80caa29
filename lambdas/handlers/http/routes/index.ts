/** Every route of the HTTP API, one module per resource. */
import type { DocsAssets } from '../docs-assets';
import { type Route, sortRoutes } from '../router';
import { apiDocsRoutes } from './api-docs';
import { apiRootRoutes } from './api-root';
import type { ApiDeps } from './common';
import { jobResultRoutes } from './job-results';
import { jobRoutes } from './jobs';
import { scheduledJobRoutes } from './scheduled-jobs';
import { tokenRoutes } from './tokens';
import { userRoutes } from './users';

export type { ApiDeps } from './common';

export function apiRoutes(deps: ApiDeps & { readonly docsAssets: DocsAssets }): Route[] {
  const routes: Route[] = [];
  routes.push(
    ...apiRootRoutes(deps),
    ...jobRoutes(deps),
    ...jobResultRoutes(deps),
    ...scheduledJobRoutes(deps),
    ...userRoutes(deps),
    ...tokenRoutes(deps),
    ...apiDocsRoutes(() => routes, deps.docsAssets),
  );
  return sortRoutes(routes);
}

import { createApiHandler } from './api-handler';
import { apiDependencies } from './composition';
import { apiRoutes } from './http/routes';
import { createLogger } from './logger';

const logger = createLogger();
export const handler = createApiHandler(apiRoutes(apiDependencies(logger)), logger);

import { createAuthorizerHandler } from './authorizer-handler';
import { authorizerDependencies } from './composition';
import { createLogger } from './logger';

export const handler = createAuthorizerHandler(authorizerDependencies(), createLogger());

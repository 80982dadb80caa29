import { runJobDependencies } from './composition';
import { createLogger } from './logger';
import { createRunJobHandler } from './run-job-handler';

export const handler = createRunJobHandler(runJobDependencies(), createLogger());

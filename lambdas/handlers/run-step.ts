import { runStepDependencies } from './composition';
import { createLogger } from './logger';
import { createRunStepHandler } from './run-step-handler';

const logger = createLogger();
export const handler = createRunStepHandler(runStepDependencies(logger), logger);

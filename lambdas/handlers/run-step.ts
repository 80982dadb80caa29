import { runStepDependencies } from './composition';
import { createLogger } from './logger';
import { createRunStepHandler } from './run-step-handler';

export const handler = createRunStepHandler(runStepDependencies(), createLogger());

import { startOccurrenceDependencies } from './composition';
import { createLogger } from './logger';
import { createStartOccurrenceHandler } from './start-occurrence-handler';

export const handler = createStartOccurrenceHandler(startOccurrenceDependencies(), createLogger());

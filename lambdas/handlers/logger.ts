import { Logger } from '@aws-lambda-powertools/logger';

/** One structured JSON logger per function; Powertools reads the service name and level from the environment. */
export function createLogger(serviceName = 'countersign'): Logger {
  return new Logger({ serviceName });
}

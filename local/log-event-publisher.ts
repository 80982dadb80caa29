import type { Logger } from '@aws-lambda-powertools/logger';
import { eventDetail } from '../lambdas/adapters/eventbridge/eventbridge-event-publisher';
import type { DomainEvent, EventPublisher } from '../lambdas/core/ports';

/** Local mode has no event bus: each event is one line of the server log, with the same detail. */
export class LogEventPublisher implements EventPublisher {
  constructor(private readonly logger: Logger) {}

  async publish(event: DomainEvent): Promise<void> {
    this.logger.info(`Event: ${event.type}`, { detail: eventDetail(event) });
  }
}

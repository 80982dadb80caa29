import type { DomainEvent, EventPublisher } from '../../core/ports';
import type { CommandSender } from '../aws/aws-client';
import { PutEventsCommand } from './eventbridge-client';

export const EVENT_SOURCE = 'countersign';

/** The event's detail: snake_case ids, as the API names them, for rules to match on. */
export function eventDetail(event: DomainEvent): Record<string, unknown> {
  switch (event.type) {
    case 'Approval Requested':
      return {
        scheduled_job_id: event.scheduledJobId,
        job: event.jobPath,
        requester: event.requester,
        start_time: event.startTime ?? null,
      };
    case 'Approval Decided':
      return {
        scheduled_job_id: event.scheduledJobId,
        job: event.jobPath,
        requester: event.requester,
        decider: event.decider,
        status: event.status,
        comment: event.comment ?? null,
      };
    case 'Job Run Finished':
      return {
        job_result_id: event.jobResultId,
        job: event.jobPath,
        user: event.user,
        status: event.status,
        scheduled_job_id: event.scheduledJobId ?? null,
        dryrun: event.dryrun,
      };
  }
}

/**
 * Puts each event on the deployment's bus (source `countersign`, detail-type the event's type), for
 * EventBridge rules to turn into e-mail or chat notifications. PutEvents can accept a request yet
 * refuse an entry, so a refused entry is an error too; the caller decides what a failure means.
 */
export class EventBridgeEventPublisher implements EventPublisher {
  constructor(
    private readonly props: {
      readonly client: CommandSender;
      readonly eventBusName: string;
      readonly onError?: ((error: unknown, event: DomainEvent) => void) | undefined;
    },
  ) {}

  async publish(event: DomainEvent): Promise<void> {
    try {
      const answer = await this.props.client.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: this.props.eventBusName,
              Source: EVENT_SOURCE,
              DetailType: event.type,
              Detail: JSON.stringify(eventDetail(event)),
            },
          ],
        }),
      );
      if ((answer.FailedEntryCount ?? 0) > 0) {
        const entry = answer.Entries?.[0];
        throw new Error(
          `EventBridge refused the event: ${entry?.ErrorCode ?? 'unknown'} ${entry?.ErrorMessage ?? ''}`,
        );
      }
    } catch (error) {
      this.props.onError?.(error, event);
      throw error;
    }
  }
}

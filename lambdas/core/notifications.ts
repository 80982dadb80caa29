import type { DomainEvent, EventPublisher } from './ports';

/** Notifications are a courtesy: a failure to send one never undoes or fails what was done. */
export async function notify(deps: { readonly events: EventPublisher }, event: DomainEvent): Promise<void> {
  try {
    await deps.events.publish(event);
  } catch {
    // The publisher logs its own failures.
  }
}

import type { Page, ScheduledJob } from './api/types';

/** The approval queue as the API defines it: approval required and not yet decided. */
export const QUEUE_QUERY = '/api/extras/scheduled-jobs/?approval_required=true&approved=false&limit=1000';

/** Pages that change the queue announce it, so the count in the navigation follows without a reload. */
export const QUEUE_CHANGED = 'countersign:queue-changed';

export type QueuePage = Page<ScheduledJob>;

export function announceQueueChanged(): void {
  dispatchEvent(new Event(QUEUE_CHANGED));
}

/**
 * The CloudWatch names of the business metrics: written by the Powertools adapter and read by the
 * stack's alarms (lib/monitoring.ts), so the two cannot drift apart.
 */
export const METRICS_NAMESPACE = 'Countersign';

/** Powertools adds this dimension to every metric; an alarm must name it to find the metric. */
export const METRICS_SERVICE = 'countersign';

export const METRIC = {
  runsStarted: 'RunsStarted',
  /** Dimension `status`: SUCCESS, FAILURE or REVOKED. */
  runsFinished: 'RunsFinished',
  duplicateDeliveriesRefused: 'DuplicateDeliveriesRefused',
  schedulesRepaired: 'SchedulesRepaired',
  approvalsRequested: 'ApprovalsRequested',
  /** Dimension `decision`: approved or denied. */
  approvalsDecided: 'ApprovalsDecided',
} as const;

/**
 * What users are told, in one place. Nautobot's own wording where it has one (its clients and
 * users match on these texts), ours where it has none.
 */
export const MESSAGES = {
  noPermission: 'You do not have permission to perform this action.',
  noRunPermission: 'This user does not have permission to run jobs.',
  noRunPermissionForJob: 'You do not have permission to run this job.',
  noApprovePermission: 'You do not have permission to approve this request.',
  noDeletePermission: 'You do not have permission to delete this scheduled job.',
  noDenyPermission: 'You do not have permission to deny this request.',
  ownRequest: 'You cannot approve your own job request!',
  jobNotEnabled: 'This job is not enabled to be run.',
  jobNotFound: 'No Job matches the given query.',
  jobResultNotFound: 'No JobResult matches the given query.',
  scheduledJobNotFound: 'No ScheduledJob matches the given query.',
  scheduleNameTaken: 'A scheduled job with this name already exists.',
  usernameTaken: 'A user with that username already exists.',
  invalidCursor: 'Invalid cursor.',
  fieldNotAllowed: 'This field is not allowed.',
  sensitiveSchedule: 'Unable to schedule job: Job may have sensitive input variables',
  dryRunUnsupported: 'This job does not support dry-run.',
  startTimePassed:
    "The job's start time is in the past. If you want to force a run anyway, add the `force` query parameter.",
  pauseRequesterOnly: 'Only the requester or a superuser may pause or resume a scheduled job.',
  pauseAwaitingDecision: 'A request that is awaiting approval or was denied cannot be paused or resumed.',
  cannotResumePassedOneOff:
    'This one-off job has already run or its time has passed, so it cannot be resumed.',
  runNotStarted: 'The run could not be started. Try again later.',
  handoffRetrying:
    'The approval is recorded, but the run or schedule could not be handed on just now; it is being retried. Repeating this request is safe.',
} as const;

/** "approved by bob at 2026-…Z", for the 409 that names an earlier decision. */
export function alreadyDecided(outcome: 'approved' | 'denied', user: string, at: string): string {
  return `This request was already ${outcome} by ${user} at ${at}.`;
}

export function deletedBy(user: string, at: string): string {
  return `This scheduled job was deleted by ${user} at ${at}.`;
}

import { type EvaluatedSchedule, nextOccurrences } from './occurrences';
import type { Schedule } from './schedule';
import { toSchedulerSchedule } from './scheduler-expression';
import { floorTo, formatInZone } from './time-zones';

/**
 * The next runs of a scheduler expression, as `formatInZone` strings, from the same evaluator the
 * local scheduler fires by. A run in the current second counts as upcoming, since EventBridge
 * expressions carry whole seconds at most.
 *
 * @param displayTimeZone where to show the times (the requester's zone)
 */
export function upcomingRunTimes(
  schedule: EvaluatedSchedule,
  now: Date,
  count: number,
  displayTimeZone: string,
): string[] {
  const after = new Date(floorTo(now.getTime(), 1000) - 1);
  return nextOccurrences(schedule, after, count).map((run) => formatInZone(run, displayTimeZone));
}

/** The next runs of a validated schedule request, before anything is stored. */
export function nextRunTimes(
  schedule: Schedule,
  now: Date,
  count = 5,
  displayTimeZone: string = schedule.timeZone,
): string[] {
  return upcomingRunTimes(toSchedulerSchedule(schedule), now, count, displayTimeZone);
}

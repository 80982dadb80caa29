/**
 * Translation of a validated {@link Schedule} (Nautobot's interval, start time and crontab) into
 * {@link SchedulerSchedule}, the one form a schedule is kept in from then on: stored on the scheduled
 * job, handed to EventBridge Scheduler (or the local emulator, which keeps the same fields), and
 * evaluated by `occurrences.ts` for the preview and for the emulator's firing.
 *
 * Where EventBridge differs from classic cron, and what is done about it:
 * - Six fields, with a year last: the year is always `*`.
 * - Day-of-month and day-of-week cannot both be given; exactly one must be `?`. Classic cron runs
 *   on either day when both are restricted; EventBridge has no way to say that, so such crontabs
 *   are refused (see {@link DAY_FIELDS_CONFLICT_MESSAGE}). When neither is restricted,
 *   day-of-month is `*` and day-of-week `?`.
 * - Weekdays count 1 (Sunday) to 7 (Saturday) instead of 0/7 (Sunday) to 6: day-of-week is
 *   rewritten from the set of days it selects, so names, 0, 7 and ranges ending on Sunday all come
 *   out as EventBridge numbers (`5-7` → `1,6,7`).
 * - Day-of-week accepts no `/` increments: a stepped weekday field is written out as a list.
 * - A stepped `*` is written from the field's first value, the form AWS documents: every 15
 *   minutes becomes `0/15`, every third month `1/3`. `a/n` and `a-b/n` mean the same in both and
 *   are kept as written (AWS accepts ranged increments such as `0-15/1`, see
 *   localstack/localstack#13572).
 * - Month names become numbers.
 * - Time zone and DST: cron and at() are read on the clocks of `ScheduleExpressionTimezone`.
 *   A wall-clock time that does not exist (spring forward) is skipped; one that occurs twice (fall
 *   back) runs once. See `occurrences.ts` for the sources and the instant chosen. Consequences:
 *   `hourly` leaves a two-hour gap on the fall-back night (the repeated hour runs once), and a
 *   daily or weekly start_time in the second pass of a repeated hour first runs a period later,
 *   because that reading already came round an hour before start_time.
 * - `StartDate` is the start_time itself, so the first run is never earlier than it: a daily
 *   schedule starting at 09:00:30 first runs at 09:00 the next day.
 */
import { type Crontab, type CrontabField, type CrontabItem, parseCrontab } from './crontab';
import type { Schedule } from './schedule';
import { floorTo, formatWallClock, instantsAtWallClock, wallClockOf, zoneNamed } from './time-zones';

/**
 * A schedule as EventBridge Scheduler takes it, each field one of CreateSchedule's parameters (named
 * in its comment). A scheduled job keeps it exactly as translated at request time, so the preview
 * and the scheduler evaluate the same thing. Instants are ISO 8601 UTC strings, as stored, so the
 * store, the gateway, the emulator and the evaluator all read this one form without converting it.
 */
export interface SchedulerSchedule {
  /** ScheduleExpression: `at(yyyy-mm-ddThh:mm:ss)` or `cron(minutes hours day-of-month month day-of-week year)`. */
  readonly expression: string;
  /** ScheduleExpressionTimezone: the zone whose clocks the expression is read on. */
  readonly timeZone: string;
  /** StartDate: no run before this instant. EventBridge ignores it for at() schedules. */
  readonly startDate?: string | undefined;
  /** EndDate: no run after this instant. Countersign sets none; the emulator accepts one, as EventBridge does. */
  readonly endDate?: string | undefined;
  /** One-off schedules delete themselves once they have fired; recurring ones stay. */
  readonly actionAfterCompletion: 'DELETE' | 'NONE';
}

export const DAY_FIELDS_CONFLICT_MESSAGE =
  'A crontab cannot restrict both day-of-month and day-of-week: EventBridge Scheduler cannot run on ' +
  '"either" day. Restrict one of them and set the other to *.';

export class ScheduleTranslationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScheduleTranslationError';
  }
}

export function toSchedulerSchedule(schedule: Schedule): SchedulerSchedule {
  const zone = schedule.timeZone;
  if (schedule.interval === 'custom') {
    if (schedule.crontab === undefined) {
      throw new ScheduleTranslationError('A custom schedule needs a crontab.');
    }
    return {
      expression: crontabToSchedulerCron(parseCrontab(schedule.crontab)),
      timeZone: zone,
      startDate: schedule.startTime?.toISOString(),
      actionAfterCompletion: 'NONE',
    };
  }
  const start = schedule.startTime;
  if (start === undefined) {
    throw new ScheduleTranslationError(`A schedule running ${schedule.interval} needs a start time.`);
  }
  if (schedule.interval === 'immediately' || schedule.interval === 'future') return oneTime(start, zone);

  const wall = new Date(wallClockOf(start.getTime(), zoneNamed(zone)));
  const minute = wall.getUTCMinutes();
  const hour = wall.getUTCHours();
  const expression = {
    hourly: `cron(${minute} * * * ? *)`,
    daily: `cron(${minute} ${hour} * * ? *)`,
    weekly: `cron(${minute} ${hour} ? * ${wall.getUTCDay() + 1} *)`,
  }[schedule.interval];
  return {
    expression,
    timeZone: zone,
    startDate: start.toISOString(),
    actionAfterCompletion: 'NONE',
  };
}

/**
 * `at()` carries no offset; it is read in the schedule's zone. A start time inside a fall-back
 * overlap (01:30 on the night clocks go back) names two instants there, and which one EventBridge
 * would pick is not documented, so such a one-off is written in UTC instead, which names exactly
 * the instant requested.
 */
function oneTime(start: Date, timeZone: string): SchedulerSchedule {
  const zone = zoneNamed(timeZone);
  const ambiguous = instantsAtWallClock(floorTo(wallClockOf(start.getTime(), zone), 1000), zone).length > 1;
  const expressionZone = ambiguous ? 'UTC' : timeZone;
  return {
    expression: `at(${formatWallClock(start, expressionZone)})`,
    timeZone: expressionZone,
    actionAfterCompletion: 'DELETE',
  };
}

export function crontabToSchedulerCron(crontab: Crontab): string {
  const { minute, hour, dayOfMonth, month, dayOfWeek } = crontab;
  if (dayOfMonth.restricted && dayOfWeek.restricted) {
    throw new ScheduleTranslationError(DAY_FIELDS_CONFLICT_MESSAGE);
  }
  const days = dayOfWeek.restricted
    ? ['?', weekdaysField(dayOfWeek)]
    : [dayOfMonth.restricted ? itemsField(dayOfMonth, 1) : '*', '?'];
  return `cron(${itemsField(minute, 0)} ${itemsField(hour, 0)} ${days[0]} ${itemsField(month, 1)} ${days[1]} *)`;
}

function itemsField(field: CrontabField, first: number): string {
  if (field.items.some((item) => item.kind === 'every' && item.step === undefined)) return '*';
  return field.items.map((item) => itemText(item, first)).join(',');
}

function itemText(item: CrontabItem, first: number): string {
  const step = item.step === undefined ? '' : `/${item.step}`;
  switch (item.kind) {
    case 'every':
      return `${first}${step}`;
    case 'value':
      return `${item.value}${step}`;
    case 'range':
      return `${item.from}-${item.to}${step}`;
  }
}

/** Cron weekdays 0–6 (Sunday 0) become EventBridge's 1–7 (Sunday 1); runs of three or more become ranges. */
function weekdaysField(field: CrontabField): string {
  const days = field.values.map((day) => day + 1);
  if (days.length === 7) return '*';
  const parts: string[] = [];
  for (let start = 0; start < days.length; ) {
    let end = start;
    while (end + 1 < days.length && days[end + 1] === (days[end] ?? 0) + 1) end += 1;
    const from = days[start];
    const to = days[end];
    if (end - start >= 2) parts.push(`${from}-${to}`);
    else parts.push(...days.slice(start, end + 1).map(String));
    start = end + 1;
  }
  return parts.join(',');
}

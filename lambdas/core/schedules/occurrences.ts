/**
 * The one evaluator of EventBridge Scheduler expressions: the API's next-run preview and the local
 * scheduler emulator both call it, so they agree by construction.
 *
 * Time zones and daylight saving time, as AWS documents them for EventBridge Scheduler
 * (https://repost.aws/knowledge-center/eventbridge-scheduler-adjust-dst, and the "Daylight savings
 * time" section of https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html):
 * "EventBridge Scheduler automatically adjusts your schedule for Daylight Saving Time. When the time
 * shifts forward in Spring, your schedule invocation gets skipped if the cron expression falls on a
 * non-existent date and time. When the time shifts back in the Fall, your schedule runs only once
 * and doesn't repeat its invocation." Hence, for cron():
 * - runs keep their wall-clock time in `scheduleExpressionTimezone` across DST changes;
 * - a wall-clock time inside a spring-forward gap is skipped (02:30 on the night New York jumps
 *   from 02:00 to 03:00 does not run at all, not even at 03:30);
 * - a wall-clock time inside a fall-back overlap runs once. AWS does not say at which of the two
 *   instants; this evaluator takes the first (daylight time), the moment the clocks first show it.
 *   An hourly job therefore runs 00:00, 01:00 (EDT), 02:00 (EST) on the night New York falls back.
 * For at(), which AWS documents nothing about in a gap or overlap (and which `scheduler-expression`
 * never writes ambiguously): a reading inside an overlap is the first instant, and one inside a gap
 * is read with the offset in force before the gap (02:30 EST = 03:30 EDT), so a one-off still runs.
 *
 * StartDate and EndDate (CreateSchedule API): "invocations might occur on, or after, the StartDate"
 * and "might stop on, or before, the EndDate", so both bounds are inclusive; "EventBridge Scheduler
 * ignores StartDate/EndDate for one-time schedules", and so does this evaluator.
 *
 * Supported cron() syntax: `*`, `?`, values, ranges, `/` increments (not in day-of-week, as in
 * AWS's table), lists, month and weekday names, and the year field (1970–2199). `L`, `W` and `#`
 * are refused: classic crontab cannot express them, so no schedule of ours uses them. rate() is
 * refused likewise.
 */
import type { SchedulerSchedule } from './scheduler-expression';
import {
  instantsAtWallClock,
  offsetBeforeWallClock,
  type TimeZone,
  wallClockOf,
  zoneNamed,
} from './time-zones';

/** What the evaluator reads of a schedule: everything but what happens after its last run. */
export type EvaluatedSchedule = Omit<SchedulerSchedule, 'actionAfterCompletion'>;

export class ScheduleExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScheduleExpressionError';
  }
}

export type ParsedScheduleExpression =
  | { readonly kind: 'at'; readonly wallClock: number }
  | { readonly kind: 'cron'; readonly fields: CronFields };

export interface CronFields {
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  /** undefined for `?`. */
  readonly daysOfMonth: ReadonlySet<number> | undefined;
  readonly months: readonly number[];
  /** 1 (Sunday) to 7 (Saturday); undefined for `?`. */
  readonly daysOfWeek: ReadonlySet<number> | undefined;
  readonly years: ReadonlySet<number>;
  readonly lastYear: number;
}

interface FieldSpec {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  readonly question?: boolean;
  readonly increments?: boolean;
}

const FIELD_SPECS: readonly FieldSpec[] = [
  { label: 'minutes', min: 0, max: 59, increments: true },
  { label: 'hours', min: 0, max: 23, increments: true },
  { label: 'day-of-month', min: 1, max: 31, question: true, increments: true },
  {
    label: 'month',
    min: 1,
    max: 12,
    increments: true,
    names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  },
  {
    label: 'day-of-week',
    min: 1,
    max: 7,
    question: true,
    names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'],
  },
  { label: 'year', min: 1970, max: 2199, increments: true },
];

const AT = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/;
const CRON = /^cron\((.*)\)$/;
const ITEM = /^(?<base>\*|\w+|\w+-\w+)(?:\/(?<step>\d+))?$/;

export function parseScheduleExpression(expression: string): ParsedScheduleExpression {
  const at = AT.exec(expression);
  if (at) return { kind: 'at', wallClock: parseAt(at, expression) };
  const cron = CRON.exec(expression);
  if (cron) return { kind: 'cron', fields: parseCron(cron[1] ?? '') };
  throw new ScheduleExpressionError(`"${expression}" is neither at(yyyy-mm-ddThh:mm:ss) nor cron(...).`);
}

function parseAt(match: RegExpExecArray, expression: string): number {
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(wall);
  if (
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    throw new ScheduleExpressionError(`"${expression}" is not a real date and time.`);
  }
  return wall;
}

function parseCron(body: string): CronFields {
  const parts = body.trim().split(/\s+/);
  if (parts.length !== 6) {
    throw new ScheduleExpressionError(
      `cron() takes 6 fields (minutes hours day-of-month month day-of-week year); got ${parts.length}.`,
    );
  }
  const [minutes, hours, daysOfMonth, months, daysOfWeek, years] = FIELD_SPECS.map((spec, index) =>
    parseCronField(parts[index] ?? '', spec),
  ) as [Set<number>, Set<number>, Set<number> | undefined, Set<number>, Set<number> | undefined, Set<number>];
  if ((daysOfMonth === undefined) === (daysOfWeek === undefined)) {
    throw new ScheduleExpressionError('Exactly one of day-of-month and day-of-week must be "?".');
  }
  const sorted = (values: Set<number>) => [...values].sort((a, b) => a - b);
  return {
    minutes: sorted(minutes),
    hours: sorted(hours),
    daysOfMonth,
    months: sorted(months),
    daysOfWeek,
    years,
    lastYear: Math.max(...years),
  };
}

/** undefined stands for `?`. */
function parseCronField(text: string, spec: FieldSpec): Set<number> | undefined {
  if (text === '?') {
    if (spec.question) return undefined;
    throw new ScheduleExpressionError(
      `"?" is only allowed in day-of-month and day-of-week, not ${spec.label}.`,
    );
  }
  // Names such as JUL and WED contain the letters, so they are taken out before looking.
  const withoutNames = text.replace(/[A-Z]{3}/gi, (word) =>
    spec.names?.includes(word.toUpperCase()) ? '' : word,
  );
  if (/[LW#]/.test(withoutNames)) {
    throw new ScheduleExpressionError(`L, W and # (in ${spec.label} "${text}") are not supported.`);
  }
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const match = ITEM.exec(part);
    const base = match?.groups?.base;
    if (base === undefined) throw new ScheduleExpressionError(`"${part}" is not valid in ${spec.label}.`);
    const stepText = match?.groups?.step;
    if (stepText !== undefined && !spec.increments) {
      throw new ScheduleExpressionError(`${spec.label} does not take "/" increments.`);
    }
    const step = stepText === undefined ? 1 : Number(stepText);
    if (step < 1) throw new ScheduleExpressionError(`The ${spec.label} increment must be at least 1.`);
    let from = spec.min;
    let to = spec.max;
    if (base !== '*') {
      const [first, last] = base.split('-');
      from = cronValue(first ?? '', spec);
      to = last !== undefined ? cronValue(last, spec) : stepText !== undefined ? spec.max : from;
      if (from > to) throw new ScheduleExpressionError(`The ${spec.label} range "${base}" runs backwards.`);
    }
    for (let value = from; value <= to; value += step) values.add(value);
  }
  return values;
}

function cronValue(text: string, spec: FieldSpec): number {
  const nameIndex = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  if (nameIndex >= 0) return nameIndex + 1;
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= spec.min && value <= spec.max)) {
    throw new ScheduleExpressionError(
      `"${text}" is not a valid ${spec.label} value (${spec.min}-${spec.max}).`,
    );
  }
  return value;
}

/**
 * The first `count` runs strictly after `after`, earliest first; fewer if the schedule ends (an
 * at() already past, an EndDate, a last year) or never matches.
 */
export function nextOccurrences(schedule: EvaluatedSchedule, after: Date, count: number): Date[] {
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError('count must be a whole number of at least 0.');
  }
  const zone = zoneNamed(schedule.timeZone);
  const parsed = parseScheduleExpression(schedule.expression);
  if (count === 0) return [];
  if (parsed.kind === 'at') {
    const instant = atInstant(parsed.wallClock, zone);
    return instant > after.getTime() ? [new Date(instant)] : [];
  }
  const notBefore = Math.max(
    after.getTime() + 1,
    instantOf(schedule.startDate, 'StartDate') ?? Number.NEGATIVE_INFINITY,
  );
  const notAfter = instantOf(schedule.endDate, 'EndDate') ?? Number.POSITIVE_INFINITY;
  return cronInstants(parsed.fields, zone, notBefore, notAfter, count).map((instant) => new Date(instant));
}

export function nextOccurrence(schedule: EvaluatedSchedule, after: Date): Date | undefined {
  return nextOccurrences(schedule, after, 1)[0];
}

/** How many occurrences `occurrencesBetween` asks the evaluator for at a time once a backlog turns up. */
const OCCURRENCE_BATCH = 100;

/**
 * The occurrences in `(after, through]` (epoch milliseconds), earliest first, at most `limit` of
 * them: what a scheduler has to fire when it looks again after a while.
 */
export function occurrencesBetween(
  schedule: EvaluatedSchedule,
  after: number,
  through: number,
  limit = Number.POSITIVE_INFINITY,
): number[] {
  const found: number[] = [];
  let cursor = after;
  // Usually nothing is due: ask for one occurrence first, and for more only when a backlog turns up.
  let size = 1;
  while (found.length < limit) {
    const wanted = Math.min(size, limit - found.length);
    const batch = nextOccurrences(schedule, new Date(cursor), wanted);
    for (const occurrence of batch) {
      if (occurrence.getTime() > through) return found;
      found.push(occurrence.getTime());
    }
    const last = batch.at(-1);
    if (last === undefined || batch.length < wanted) return found;
    cursor = last.getTime();
    size = OCCURRENCE_BATCH;
  }
  return found;
}

/** Whether nothing comes after `occurrence`: the schedule has had its last run. */
export function isLastOccurrence(schedule: EvaluatedSchedule, occurrence: number): boolean {
  return occurrencesBetween(schedule, occurrence, Number.POSITIVE_INFINITY, 1).length === 0;
}

/** A stored instant as epoch milliseconds; one that does not read as a date is refused like a bad expression. */
function instantOf(iso: string | undefined, field: string): number | undefined {
  if (iso === undefined) return undefined;
  const instant = Date.parse(iso);
  if (Number.isNaN(instant)) throw new ScheduleExpressionError(`${field} "${iso}" is not a date and time.`);
  return instant;
}

function atInstant(wall: number, zone: TimeZone): number {
  const instants = instantsAtWallClock(wall, zone);
  return instants[0] ?? wall - offsetBeforeWallClock(wall, zone) * MINUTE_MS;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * Walks the calendar in wall-clock order: only years, months and days the fields allow, and within
 * those days only the allowed hours and minutes, so a yearly `cron(0 0 29 2 ? *)` looks at a
 * handful of days per year, not half a million minutes.
 *
 * Taking the first instant of a repeated reading and skipping missing ones keeps instants in the
 * same order as wall-clock readings, so the walk stops at the first reading past `notAfter`.
 * Readings more than `slack` before `notBefore`'s own reading cannot be on or after it (offsets
 * near it differ by less), so they are passed over without resolving.
 */
function cronInstants(
  fields: CronFields,
  zone: TimeZone,
  notBefore: number,
  notAfter: number,
  count: number,
): number[] {
  const offsetAtStart = zone.offset(notBefore);
  const lowestNearbyOffset = Math.min(
    offsetAtStart,
    zone.offset(notBefore - 2 * DAY_MS),
    zone.offset(notBefore + 2 * DAY_MS),
  );
  const slack = (offsetAtStart - lowestNearbyOffset) * MINUTE_MS + HOUR_MS;
  const earliestWall = wallClockOf(notBefore, zone) - slack;
  const firstWall = new Date(earliestWall);
  const firstYear = firstWall.getUTCFullYear();
  const found: number[] = [];

  for (let year = firstYear; year <= fields.lastYear; year++) {
    if (!fields.years.has(year)) continue;
    for (const month of fields.months) {
      if (year === firstYear && month < firstWall.getUTCMonth() + 1) continue;
      const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
      for (let day = 1; day <= daysInMonth; day++) {
        const dayStart = Date.UTC(year, month - 1, day);
        if (dayStart + DAY_MS <= earliestWall || !dayMatches(fields, dayStart, day)) continue;
        for (const hour of fields.hours) {
          const hourStart = dayStart + hour * HOUR_MS;
          if (hourStart + HOUR_MS <= earliestWall) continue;
          for (const minute of fields.minutes) {
            const wall = hourStart + minute * MINUTE_MS;
            if (wall < earliestWall) continue;
            // A reading inside a spring-forward gap has no instant: skipped, as AWS documents.
            const instant = instantsAtWallClock(wall, zone)[0];
            if (instant === undefined || instant < notBefore) continue;
            if (instant > notAfter) return found;
            found.push(instant);
            if (found.length === count) return found;
          }
        }
      }
    }
  }
  return found;
}

function dayMatches(fields: CronFields, dayStart: number, day: number): boolean {
  if (fields.daysOfMonth !== undefined) return fields.daysOfMonth.has(day);
  return fields.daysOfWeek?.has(new Date(dayStart).getUTCDay() + 1) ?? false;
}

/**
 * Validation of the `schedule` object of a job run request, with Nautobot's rules and messages.
 * Errors come back keyed by field, not thrown, so that callers can merge them with their own.
 */
import { CrontabSyntaxError, parseCrontab } from './crontab';
import { isScheduleInterval, SCHEDULE_INTERVALS, type Schedule, type ScheduleInterval } from './schedule';
import { DAY_FIELDS_CONFLICT_MESSAGE } from './scheduler-expression';
import { canonicalTimeZone } from './time-zones';

/** The request body's shape, as Nautobot's REST API takes it; every field may be absent or null. */
export interface ScheduleRequest {
  readonly name?: string | null;
  readonly interval?: ScheduleInterval | null;
  readonly start_time?: string | null;
  readonly crontab?: string | null;
  readonly time_zone?: string | null;
}

export type ScheduleField = keyof ScheduleRequest;

export type ScheduleValidationResult =
  | { readonly ok: true; readonly schedule: Schedule }
  | { readonly ok: false; readonly errors: Partial<Record<ScheduleField | 'non_field_errors', string>> };

export const MAX_SCHEDULE_NAME_LENGTH = 200;

export const SCHEDULE_MESSAGES = {
  nameRequired: 'Please provide a name for the job schedule.',
  nameTooLong: `Ensure this field has no more than ${MAX_SCHEDULE_NAME_LENGTH} characters.`,
  notAString: 'Not a valid string.',
  intervalRequired: 'This field is required.',
  intervalInvalid: (value: unknown) =>
    `"${describeValue(value)}" is not a valid choice. Choose one of: ${SCHEDULE_INTERVALS.join(', ')}.`,
  startTimeInvalid: 'Please enter a valid date and time greater than or equal to the current date and time.',
  startTimeTooLate:
    'Please enter a date and time before the year 2200; EventBridge Scheduler goes no further.',
  startTimeMalformed:
    'Datetime has wrong format. Use ISO 8601 with a UTC offset, e.g. 2030-01-01T09:00:00+00:00 or ' +
    '2030-01-01T09:00:00Z.',
  startTimeWithoutOffset:
    'Datetime has no UTC offset. Add one, e.g. 2030-01-01T09:00:00-05:00 or 2030-01-01T09:00:00Z; the ' +
    'schedule time_zone decides recurrences, not how start_time is read.',
  crontabInvalid: 'Please enter a valid crontab.',
  crontabDayFieldsConflict: DAY_FIELDS_CONFLICT_MESSAGE,
  timeZoneInvalid: (value: unknown) =>
    `A valid timezone is required: "${describeValue(value)}" is not an IANA time zone name such as "Europe/London".`,
  notAnObject: (value: unknown) =>
    `Invalid data. Expected a dictionary, but got ${value === null ? 'null' : Array.isArray(value) ? 'list' : typeof value}.`,
} as const;

/**
 * A value as an error message may quote it: scalars as given (cut short), anything else by its JSON
 * type, since converting a deeply nested array to a string would overflow the stack.
 */
function describeValue(value: unknown): string {
  if (typeof value === 'string') return value.length > 100 ? `${value.slice(0, 100)}…` : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value === null ? 'null' : Array.isArray(value) ? 'a list' : 'a dictionary';
}

/** The schedule's errors in the shape of every other validation error: field → list of messages. */
export function scheduleFieldErrors(
  errors: Partial<Record<ScheduleField | 'non_field_errors', string>>,
): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const [field, message] of Object.entries(errors)) if (message !== undefined) fields[field] = [message];
  return fields;
}

/**
 * EventBridge Scheduler expressions name years up to 2199; a day's margin keeps the wall-clock
 * year below 2200 in every zone (the furthest ahead is UTC+14).
 */
const LATEST_START_MS = Date.UTC(2199, 11, 31);

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?/i;
const OFFSET = /^(Z|[+-](0\d|1[0-4])(:?[0-5]\d)?)$/i;

/**
 * @param input the raw `schedule` value from the request body (anything JSON can hold)
 * @param now the moment the request is handled; a start time earlier than this is refused
 */
export function validateScheduleRequest(input: unknown, now: Date): ScheduleValidationResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: { non_field_errors: SCHEDULE_MESSAGES.notAnObject(input) } };
  }
  const request = input as Record<string, unknown>;
  const errors: Partial<Record<ScheduleField, string>> = {};

  const timeZone = readTimeZone(request.time_zone);
  if (!timeZone.ok) errors.time_zone = timeZone.error;

  const interval = request.interval;
  if (isMissing(interval)) errors.interval = SCHEDULE_MESSAGES.intervalRequired;
  else if (!isScheduleInterval(interval)) errors.interval = SCHEDULE_MESSAGES.intervalInvalid(interval);

  const name = readName(request.name);
  if (!name.ok) errors.name = name.error;
  else if (name.value === undefined && isScheduleInterval(interval) && interval !== 'immediately') {
    errors.name = SCHEDULE_MESSAGES.nameRequired;
  }

  let startTime: Date | undefined;
  if (isScheduleInterval(interval) && interval !== 'immediately') {
    const start = readStartTime(request.start_time, interval === 'custom', now);
    if (start.ok) startTime = start.value;
    else errors.start_time = start.error;
  }

  let crontab: string | undefined;
  if (interval === 'custom') {
    const parsed = readCrontab(request.crontab);
    if (parsed.ok) crontab = parsed.value;
    else errors.crontab = parsed.error;
  }

  if (Object.keys(errors).length > 0 || !isScheduleInterval(interval) || !timeZone.ok || !name.ok) {
    return { ok: false, errors };
  }
  return {
    ok: true,
    schedule: {
      name: name.value,
      interval,
      startTime: interval === 'immediately' ? new Date(now.getTime()) : startTime,
      crontab,
      timeZone: timeZone.value,
    },
  };
}

type Read<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

function isMissing(value: unknown): value is undefined | null | '' {
  return value === undefined || value === null || value === '';
}

function readName(value: unknown): Read<string | undefined> {
  if (isMissing(value)) return { ok: true, value: undefined };
  if (typeof value !== 'string') return { ok: false, error: SCHEDULE_MESSAGES.notAString };
  const name = value.trim();
  if (name.length > MAX_SCHEDULE_NAME_LENGTH) return { ok: false, error: SCHEDULE_MESSAGES.nameTooLong };
  return { ok: true, value: name === '' ? undefined : name };
}

function readTimeZone(value: unknown): Read<string> {
  if (isMissing(value)) return { ok: true, value: 'UTC' };
  const zone = typeof value === 'string' ? canonicalTimeZone(value.trim()) : undefined;
  return zone === undefined
    ? { ok: false, error: SCHEDULE_MESSAGES.timeZoneInvalid(value) }
    : { ok: true, value: zone };
}

/** Only `custom` may leave it out; Nautobot then starts the crontab straight away. */
function readStartTime(value: unknown, optional: boolean, now: Date): Read<Date | undefined> {
  if (isMissing(value)) {
    return optional
      ? { ok: true, value: undefined }
      : { ok: false, error: SCHEDULE_MESSAGES.startTimeInvalid };
  }
  if (typeof value !== 'string') return { ok: false, error: SCHEDULE_MESSAGES.startTimeMalformed };
  const text = value.trim();
  const dateTime = DATE_TIME.exec(text);
  if (dateTime === null) return { ok: false, error: SCHEDULE_MESSAGES.startTimeMalformed };
  const rest = text.slice(dateTime[0].length);
  if (rest === '') return { ok: false, error: SCHEDULE_MESSAGES.startTimeWithoutOffset };
  if (!OFFSET.test(rest)) return { ok: false, error: SCHEDULE_MESSAGES.startTimeMalformed };
  const instant = isoInstant(dateTime[0], rest);
  if (instant === undefined) return { ok: false, error: SCHEDULE_MESSAGES.startTimeMalformed };
  const start = new Date(instant);
  if (start.getTime() < now.getTime()) return { ok: false, error: SCHEDULE_MESSAGES.startTimeInvalid };
  if (start.getTime() >= LATEST_START_MS) return { ok: false, error: SCHEDULE_MESSAGES.startTimeTooLate };
  return { ok: true, value: start };
}

const DATE_TIME_PARTS = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/i;
const OFFSET_PARTS = /^(?:Z|([+-])(\d{2})(?::?(\d{2}))?)$/i;

/**
 * The instant of a date-time that DATE_TIME and OFFSET have accepted, or undefined for a day its
 * month does not have (`2030-02-30`), which `Date.parse` would roll over into March. Fractions
 * below a millisecond are dropped.
 */
function isoInstant(dateTime: string, offset: string): number | undefined {
  const parts = DATE_TIME_PARTS.exec(dateTime);
  const zone = OFFSET_PARTS.exec(offset);
  if (parts === null || zone === null) return undefined;
  const [year, month, day, hour, minute, second] = parts.slice(1, 7).map((part) => Number(part ?? 0));
  if (month === undefined || month < 1 || month > 12 || day === undefined || day < 1) return undefined;
  const wall = new Date(0);
  wall.setUTCFullYear(year ?? 0, month - 1, day);
  if (wall.getUTCMonth() !== month - 1) return undefined;
  const millis = parts[7] === undefined ? 0 : Math.floor(Number(`0.${parts[7]}`) * 1000);
  wall.setUTCHours(hour ?? 0, minute ?? 0, second ?? 0, millis);
  const sign = zone[1] === '-' ? -1 : 1;
  const offsetMinutes = zone[1] === undefined ? 0 : sign * (Number(zone[2]) * 60 + Number(zone[3] ?? 0));
  return wall.getTime() - offsetMinutes * 60_000;
}

function readCrontab(value: unknown): Read<string> {
  if (typeof value !== 'string' || value.trim() === '') {
    return { ok: false, error: SCHEDULE_MESSAGES.crontabInvalid };
  }
  try {
    const crontab = parseCrontab(value);
    if (crontab.dayOfMonth.restricted && crontab.dayOfWeek.restricted) {
      return { ok: false, error: SCHEDULE_MESSAGES.crontabDayFieldsConflict };
    }
    return { ok: true, value: crontab.source };
  } catch (error) {
    if (error instanceof CrontabSyntaxError) return { ok: false, error: SCHEDULE_MESSAGES.crontabInvalid };
    throw error;
  }
}

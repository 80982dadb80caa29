export const SCHEDULE_INTERVALS = ['immediately', 'future', 'hourly', 'daily', 'weekly', 'custom'] as const;

export type ScheduleInterval = (typeof SCHEDULE_INTERVALS)[number];

/** A schedule request that passed validation, normalized. */
export interface Schedule {
  /** Trimmed; undefined only for `immediately`, where Nautobot does not ask for one. */
  readonly name: string | undefined;
  readonly interval: ScheduleInterval;
  /** The requested instant; `now` for `immediately`; undefined only for `custom` without one. */
  readonly startTime: Date | undefined;
  /** The five fields joined by single spaces; set only for `custom`. */
  readonly crontab: string | undefined;
  /** Canonical IANA name in which recurrences keep their wall-clock time. */
  readonly timeZone: string;
}

export function isScheduleInterval(value: unknown): value is ScheduleInterval {
  return typeof value === 'string' && (SCHEDULE_INTERVALS as readonly string[]).includes(value);
}

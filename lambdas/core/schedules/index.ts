export {
  type Crontab,
  type CrontabField,
  type CrontabFieldName,
  type CrontabItem,
  CrontabSyntaxError,
  parseCrontab,
} from './crontab';
export { nextRunTimes, upcomingRunTimes } from './next-run-times';
export {
  type CronFields,
  type EvaluatedSchedule,
  isLastOccurrence,
  nextOccurrence,
  nextOccurrences,
  occurrencesBetween,
  type ParsedScheduleExpression,
  parseScheduleExpression,
  ScheduleExpressionError,
} from './occurrences';
export { isScheduleInterval, SCHEDULE_INTERVALS, type Schedule, type ScheduleInterval } from './schedule';
export {
  MAX_SCHEDULE_NAME_LENGTH,
  SCHEDULE_MESSAGES,
  type ScheduleField,
  type ScheduleRequest,
  type ScheduleValidationResult,
  scheduleFieldErrors,
  validateScheduleRequest,
} from './schedule-request';
export {
  crontabToSchedulerCron,
  DAY_FIELDS_CONFLICT_MESSAGE,
  type SchedulerSchedule,
  ScheduleTranslationError,
  toSchedulerSchedule,
} from './scheduler-expression';
export { canonicalTimeZone, formatInZone } from './time-zones';

import { describe, expect, it } from 'vitest';
import {
  nextOccurrence,
  type Schedule,
  ScheduleTranslationError,
  toSchedulerSchedule,
} from '../../../lambdas/core/schedules';

function schedule(overrides: Partial<Schedule>): Schedule {
  return {
    name: 'nightly',
    interval: 'daily',
    startTime: undefined,
    crontab: undefined,
    timeZone: 'UTC',
    ...overrides,
  };
}

describe('Function: toSchedulerSchedule', () => {
  describe('one-off and interval schedules', () => {
    it.each([
      {
        case: 'future in UTC',
        given: { interval: 'future', startTime: '2030-01-01T01:00:00Z', timeZone: 'UTC' },
        expected: {
          expression: 'at(2030-01-01T01:00:00)',
          zone: 'UTC',
          startDate: undefined,
          after: 'DELETE',
        },
      },
      {
        case: 'future in New York, wall clock in daylight time, milliseconds dropped',
        given: { interval: 'future', startTime: '2030-07-04T13:30:45.678Z', timeZone: 'America/New_York' },
        expected: {
          expression: 'at(2030-07-04T09:30:45)',
          zone: 'America/New_York',
          startDate: undefined,
          after: 'DELETE',
        },
      },
      {
        case: 'future in Kolkata (UTC+05:30)',
        given: { interval: 'future', startTime: '2030-01-01T00:00:00Z', timeZone: 'Asia/Kolkata' },
        expected: {
          expression: 'at(2030-01-01T05:30:00)',
          zone: 'Asia/Kolkata',
          startDate: undefined,
          after: 'DELETE',
        },
      },
      {
        case: 'future at 01:30 EDT, a reading New York shows twice: written in UTC',
        given: { interval: 'future', startTime: '2026-11-01T05:30:00Z', timeZone: 'America/New_York' },
        expected: {
          expression: 'at(2026-11-01T05:30:00)',
          zone: 'UTC',
          startDate: undefined,
          after: 'DELETE',
        },
      },
      {
        case: 'future at 01:30 EST, the second pass: written in UTC',
        given: { interval: 'future', startTime: '2026-11-01T06:30:00Z', timeZone: 'America/New_York' },
        expected: {
          expression: 'at(2026-11-01T06:30:00)',
          zone: 'UTC',
          startDate: undefined,
          after: 'DELETE',
        },
      },
      {
        case: 'immediately, if ever handed to the scheduler',
        given: { interval: 'immediately', startTime: '2030-01-01T12:00:00Z', timeZone: 'Europe/London' },
        expected: {
          expression: 'at(2030-01-01T12:00:00)',
          zone: 'Europe/London',
          startDate: undefined,
          after: 'DELETE',
        },
      },
      {
        case: 'hourly in Kolkata keeps the local minute (:15 IST is :45 UTC)',
        given: { interval: 'hourly', startTime: '2030-01-01T03:45:00Z', timeZone: 'Asia/Kolkata' },
        expected: {
          expression: 'cron(15 * * * ? *)',
          zone: 'Asia/Kolkata',
          startDate: '2030-01-01T03:45:00.000Z',
          after: 'NONE',
        },
      },
      {
        case: 'daily in New York, started in winter',
        given: { interval: 'daily', startTime: '2026-03-01T14:00:00Z', timeZone: 'America/New_York' },
        expected: {
          expression: 'cron(0 9 * * ? *)',
          zone: 'America/New_York',
          startDate: '2026-03-01T14:00:00.000Z',
          after: 'NONE',
        },
      },
      {
        case: 'daily in London, started in summer time',
        given: { interval: 'daily', startTime: '2030-07-01T16:45:00Z', timeZone: 'Europe/London' },
        expected: {
          expression: 'cron(45 17 * * ? *)',
          zone: 'Europe/London',
          startDate: '2030-07-01T16:45:00.000Z',
          after: 'NONE',
        },
      },
      {
        case: 'daily with seconds: StartDate is start_time, so the first run is never earlier',
        given: { interval: 'daily', startTime: '2030-01-01T09:00:30.500Z', timeZone: 'UTC' },
        expected: {
          expression: 'cron(0 9 * * ? *)',
          zone: 'UTC',
          startDate: '2030-01-01T09:00:30.500Z',
          after: 'NONE',
        },
      },
      {
        case: 'weekly in Sydney: Sunday 22:00 UTC is Monday 09:00 AEDT',
        given: { interval: 'weekly', startTime: '2030-01-06T22:00:00Z', timeZone: 'Australia/Sydney' },
        expected: {
          expression: 'cron(0 9 ? * 2 *)',
          zone: 'Australia/Sydney',
          startDate: '2030-01-06T22:00:00.000Z',
          after: 'NONE',
        },
      },
      {
        case: 'weekly on Sunday in New York is EventBridge weekday 1',
        given: { interval: 'weekly', startTime: '2030-06-02T17:00:00Z', timeZone: 'America/New_York' },
        expected: {
          expression: 'cron(0 13 ? * 1 *)',
          zone: 'America/New_York',
          startDate: '2030-06-02T17:00:00.000Z',
          after: 'NONE',
        },
      },
      {
        case: 'weekly in Kolkata: Saturday 20:00 UTC is Sunday 01:30 IST',
        given: { interval: 'weekly', startTime: '2030-01-05T20:00:00Z', timeZone: 'Asia/Kolkata' },
        expected: {
          expression: 'cron(30 1 ? * 1 *)',
          zone: 'Asia/Kolkata',
          startDate: '2030-01-05T20:00:00.000Z',
          after: 'NONE',
        },
      },
    ] as const)('$case', ({ given, expected }) => {
      // Prepare
      const input = schedule({ ...given, startTime: new Date(given.startTime) });

      // Act
      const result = toSchedulerSchedule(input);

      // Assess
      expect(result).toEqual({
        expression: expected.expression,
        timeZone: expected.zone,
        startDate: expected.startDate === undefined ? undefined : new Date(expected.startDate).toISOString(),
        actionAfterCompletion: expected.after,
      });
    });

    it.each([
      {
        interval: 'future',
        startTime: '2030-07-04T13:30:45.678Z',
        timeZone: 'America/New_York',
        first: '2030-07-04T13:30:45.000Z',
      },
      {
        interval: 'future',
        startTime: '2026-11-01T06:30:00Z',
        timeZone: 'America/New_York',
        first: '2026-11-01T06:30:00.000Z',
      },
      {
        interval: 'hourly',
        startTime: '2030-01-01T03:45:10Z',
        timeZone: 'Asia/Kolkata',
        first: '2030-01-01T04:45:00.000Z',
      },
      {
        interval: 'daily',
        startTime: '2026-03-07T14:00:00Z',
        timeZone: 'America/New_York',
        first: '2026-03-07T14:00:00.000Z',
      },
      {
        interval: 'weekly',
        startTime: '2026-04-04T15:30:00Z',
        timeZone: 'Australia/Sydney',
        first: '2026-04-04T15:30:00.000Z',
      },
      // 02:30 AEST on the night Sydney falls back is the second pass of 02:30: that reading already
      // ran an hour earlier (02:30 AEDT, before start_time), and a reading runs only once.
      {
        interval: 'weekly',
        startTime: '2026-04-04T16:30:00Z',
        timeZone: 'Australia/Sydney',
        first: '2026-04-11T16:30:00.000Z',
      },
    ] as const)('first run of $interval from $startTime in $timeZone is $first', ({ first, ...given }) => {
      // Prepare
      const startTime = new Date(given.startTime);
      const input = toSchedulerSchedule(schedule({ ...given, startTime }));

      // Act
      const run = nextOccurrence(input, new Date(startTime.getTime() - 60_000));

      // Assess
      expect(run?.toISOString()).toBe(first);
    });
  });

  describe('custom crontabs', () => {
    it.each([
      { crontab: '*/15 * * * *', expression: 'cron(0/15 * * * ? *)' },
      { crontab: '0 9 * * 1-5', expression: 'cron(0 9 ? * 2-6 *)' },
      { crontab: '0 9 * * mon-FRI', expression: 'cron(0 9 ? * 2-6 *)' },
      { crontab: '0 0 * * 0', expression: 'cron(0 0 ? * 1 *)' },
      { crontab: '0 0 * * 7', expression: 'cron(0 0 ? * 1 *)' },
      { crontab: '0 0 * * SUN', expression: 'cron(0 0 ? * 1 *)' },
      { crontab: '0 0 * * 6', expression: 'cron(0 0 ? * 7 *)' },
      { crontab: '0 12 * * 5-7', expression: 'cron(0 12 ? * 1,6,7 *)' },
      { crontab: '0 12 * * FRI-SUN', expression: 'cron(0 12 ? * 1,6,7 *)' },
      { crontab: '0 12 * * SAT,SUN', expression: 'cron(0 12 ? * 1,7 *)' },
      { crontab: '0 12 * * */2', expression: 'cron(0 12 ? * 1,3,5,7 *)' },
      { crontab: '0 12 * * 1,3-4', expression: 'cron(0 12 ? * 2,4,5 *)' },
      { crontab: '* * * * 0-6', expression: 'cron(* * ? * * *)' },
      { crontab: '30 8 1,15 * *', expression: 'cron(30 8 1,15 * ? *)' },
      { crontab: '1-30/5 */2 * JAN-MAR *', expression: 'cron(1-30/5 0/2 * 1-3 ? *)' },
      { crontab: '5/10 * * * *', expression: 'cron(5/10 * * * ? *)' },
      { crontab: '0 6 */2 */3 *', expression: 'cron(0 6 1/2 1/3 ? *)' },
      { crontab: '0 0 29 2 *', expression: 'cron(0 0 29 2 ? *)' },
      { crontab: '0,30 9-17 * * *', expression: 'cron(0,30 9-17 * * ? *)' },
      { crontab: '0 0 * 1,*/6 *', expression: 'cron(0 0 * 1,1/6 ? *)' },
      { crontab: '*/1 * * * *', expression: 'cron(0/1 * * * ? *)' },
    ])('"$crontab" → $expression', ({ crontab, expression }) => {
      // Act
      const result = toSchedulerSchedule(
        schedule({ interval: 'custom', crontab, timeZone: 'America/New_York' }),
      );

      // Assess
      expect(result).toEqual({
        expression,
        timeZone: 'America/New_York',
        startDate: undefined,
        actionAfterCompletion: 'NONE',
      });
    });

    it('starts at start_time exactly, when one is given', () => {
      // Prepare
      const input = schedule({
        interval: 'custom',
        crontab: '0 */4 * * *',
        startTime: new Date('2030-01-01T10:00:30Z'),
        timeZone: 'Europe/London',
      });

      // Act
      const result = toSchedulerSchedule(input);

      // Assess
      expect(result).toEqual({
        expression: 'cron(0 0/4 * * ? *)',
        timeZone: 'Europe/London',
        startDate: '2030-01-01T10:00:30.000Z',
        actionAfterCompletion: 'NONE',
      });
    });
  });

  it.each([
    {
      case: 'both day fields restricted',
      given: { interval: 'custom', crontab: '0 9 1 * 1' },
      reason: /both day-of-month/,
    },
    { case: 'custom without crontab', given: { interval: 'custom' }, reason: /needs a crontab/ },
    {
      case: 'future without start',
      given: { interval: 'future' },
      reason: /running future needs a start time/,
    },
    { case: 'daily without start', given: { interval: 'daily' }, reason: /running daily needs a start time/ },
  ] as const)('refuses $case', ({ given, reason }) => {
    // Act
    const translate = () => toSchedulerSchedule(schedule(given));

    // Assess
    expect(translate).toThrow(ScheduleTranslationError);
    expect(translate).toThrow(reason);
  });
});

import { describe, expect, it } from 'vitest';
import { SCHEDULE_MESSAGES, validateScheduleRequest } from '../../../lambdas/core/schedules';

const NOW = new Date('2030-01-01T12:00:00.000Z');
const LATER = '2030-01-02T09:00:00+00:00';

const NAME_REQUIRED = 'Please provide a name for the job schedule.';
const START_TIME_INVALID =
  'Please enter a valid date and time greater than or equal to the current date and time.';
const CRONTAB_INVALID = 'Please enter a valid crontab.';

describe('Function: validateScheduleRequest', () => {
  describe('accepted requests', () => {
    it.each([
      {
        request: {
          name: ' nightly ',
          interval: 'daily',
          start_time: '2030-01-02T09:00:00-05:00',
          time_zone: 'America/New_York',
        },
        schedule: {
          name: 'nightly',
          interval: 'daily',
          startTime: new Date('2030-01-02T14:00:00Z'),
          crontab: undefined,
          timeZone: 'America/New_York',
        },
      },
      {
        request: { name: 'once', interval: 'future', start_time: '2030-01-02T09:00:00Z' },
        schedule: {
          name: 'once',
          interval: 'future',
          startTime: new Date('2030-01-02T09:00:00Z'),
          crontab: undefined,
          timeZone: 'UTC',
        },
      },
      {
        request: {
          name: 'space separated',
          interval: 'hourly',
          start_time: '2030-01-02 09:00:00+0530',
          time_zone: null,
        },
        schedule: {
          name: 'space separated',
          interval: 'hourly',
          startTime: new Date('2030-01-02T03:30:00Z'),
          crontab: undefined,
          timeZone: 'UTC',
        },
      },
      {
        request: {
          name: 'exactly now',
          interval: 'weekly',
          start_time: '2030-01-01T12:00:00.000Z',
          time_zone: '',
        },
        schedule: {
          name: 'exactly now',
          interval: 'weekly',
          startTime: NOW,
          crontab: undefined,
          timeZone: 'UTC',
        },
      },
      {
        request: {
          name: 'cron',
          interval: 'custom',
          crontab: '  */15   9-17 * * mon-fri ',
          time_zone: 'europe/london',
        },
        schedule: {
          name: 'cron',
          interval: 'custom',
          startTime: undefined,
          crontab: '*/15 9-17 * * mon-fri',
          timeZone: 'Europe/London',
        },
      },
      {
        request: {
          name: 'cron from',
          interval: 'custom',
          crontab: '0 0 1 * *',
          start_time: LATER,
          time_zone: 'Etc/UTC',
        },
        schedule: {
          name: 'cron from',
          interval: 'custom',
          startTime: new Date('2030-01-02T09:00:00Z'),
          crontab: '0 0 1 * *',
          timeZone: 'Etc/UTC',
        },
      },
      {
        request: {
          interval: 'immediately',
          start_time: 'ignored',
          crontab: 'ignored',
          time_zone: 'Asia/Kolkata',
        },
        schedule: {
          name: undefined,
          interval: 'immediately',
          startTime: NOW,
          crontab: undefined,
          timeZone: 'Asia/Kolkata',
        },
      },
      {
        request: { name: 'x', interval: 'daily', start_time: LATER, crontab: 'not used' },
        schedule: {
          name: 'x',
          interval: 'daily',
          startTime: new Date('2030-01-02T09:00:00Z'),
          crontab: undefined,
          timeZone: 'UTC',
        },
      },
    ])('normalizes $request', ({ request, schedule }) => {
      // Act
      const result = validateScheduleRequest(request, NOW);

      // Assess
      expect(result).toEqual({ ok: true, schedule });
    });

    it('accepts a name of exactly 200 characters', () => {
      // Prepare
      const name = 'n'.repeat(200);

      // Act
      const result = validateScheduleRequest({ name, interval: 'future', start_time: LATER }, NOW);

      // Assess
      expect(result.ok).toBe(true);
    });
  });

  describe('name', () => {
    it.each(['future', 'hourly', 'daily', 'weekly', 'custom'])('is required for %s', (interval) => {
      // Act
      const result = validateScheduleRequest({ interval, start_time: LATER, crontab: '0 0 * * *' }, NOW);

      // Assess
      expect(result).toEqual({ ok: false, errors: { name: NAME_REQUIRED } });
    });

    it.each([{ name: '' }, { name: '   ' }, { name: null }])('may not be blank: $name', ({ name }) => {
      // Act
      const result = validateScheduleRequest({ name, interval: 'daily', start_time: LATER }, NOW);

      // Assess
      expect(result).toEqual({ ok: false, errors: { name: NAME_REQUIRED } });
    });

    it('is longer than 200 characters', () => {
      // Act
      const result = validateScheduleRequest(
        { name: 'n'.repeat(201), interval: 'daily', start_time: LATER },
        NOW,
      );

      // Assess
      expect(result).toEqual({
        ok: false,
        errors: { name: 'Ensure this field has no more than 200 characters.' },
      });
    });

    it('is not a string', () => {
      // Act
      const result = validateScheduleRequest({ name: 42, interval: 'immediately' }, NOW);

      // Assess
      expect(result).toEqual({ ok: false, errors: { name: 'Not a valid string.' } });
    });
  });

  describe('start_time', () => {
    it.each([
      { interval: 'future', start_time: undefined },
      { interval: 'hourly', start_time: null },
      { interval: 'daily', start_time: '' },
      { interval: 'weekly', start_time: '2030-01-01T11:59:59.999Z' },
      { interval: 'future', start_time: '2030-01-01T06:59:59-05:00' },
      { interval: 'custom', start_time: '2029-12-31T00:00:00Z' },
    ])('is refused for $interval when $start_time', ({ interval, start_time }) => {
      // Act
      const result = validateScheduleRequest({ name: 'x', interval, start_time, crontab: '0 0 * * *' }, NOW);

      // Assess
      expect(result).toEqual({ ok: false, errors: { start_time: START_TIME_INVALID } });
    });

    it.each(['2030-01-02T09:00:00', '2030-01-02 09:00', '2030-01-02T09:00:00.123'])(
      'must carry an offset: %s',
      (start_time) => {
        // Act
        const result = validateScheduleRequest({ name: 'x', interval: 'future', start_time }, NOW);

        // Assess
        expect(result).toEqual({
          ok: false,
          errors: { start_time: SCHEDULE_MESSAGES.startTimeWithoutOffset },
        });
        expect(SCHEDULE_MESSAGES.startTimeWithoutOffset).toMatch(/no UTC offset/);
      },
    );

    it.each([
      'tomorrow',
      '2030-01-02',
      '2030-02-30T09:00:00Z',
      '2030-01-02T24:00:00Z',
      '2030-01-02T09:00:00+25:00',
      '2030-01-02T09:00:00 UTC',
      '2030-01-02T09:00:00Zjunk',
      1893574800000,
    ])('must be a date and time: %s', (start_time) => {
      // Act
      const result = validateScheduleRequest({ name: 'x', interval: 'future', start_time }, NOW);

      // Assess
      expect(result).toEqual({ ok: false, errors: { start_time: SCHEDULE_MESSAGES.startTimeMalformed } });
      expect(SCHEDULE_MESSAGES.startTimeMalformed).toMatch(/^Datetime has wrong format/);
    });

    it('is ignored for immediately, which runs now', () => {
      // Act
      const result = validateScheduleRequest(
        { interval: 'immediately', start_time: '2000-01-01T00:00:00Z' },
        NOW,
      );

      // Assess
      expect(result.ok && result.schedule.startTime).toEqual(NOW);
    });
  });

  describe('crontab', () => {
    it.each([undefined, null, '', '  ', 42, '* * * *', '61 * * * *', '0 0 * * MON#2', '0 0 30 2 *'])(
      'must be a valid five-field crontab for custom: %s',
      (crontab) => {
        // Act
        const result = validateScheduleRequest({ name: 'x', interval: 'custom', crontab }, NOW);

        // Assess
        expect(result).toEqual({ ok: false, errors: { crontab: CRONTAB_INVALID } });
      },
    );

    it.each(['0 9 1 * MON', '0 9 */2 * 1-5', '0 9 1-31 * 0-6'])(
      'may not restrict both day-of-month and day-of-week: %s',
      (crontab) => {
        // Act
        const result = validateScheduleRequest({ name: 'x', interval: 'custom', crontab }, NOW);

        // Assess
        expect(result).toEqual({
          ok: false,
          errors: {
            crontab:
              'A crontab cannot restrict both day-of-month and day-of-week: EventBridge Scheduler cannot run ' +
              'on "either" day. Restrict one of them and set the other to *.',
          },
        });
      },
    );
  });

  describe('interval and time_zone', () => {
    it.each([
      { time_zone: 'utc', timeZone: 'UTC' },
      { time_zone: 'america/new_york', timeZone: 'America/New_York' },
      { time_zone: ' Asia/Kolkata ', timeZone: 'Asia/Kolkata' },
      { time_zone: 'Europe/Kyiv', timeZone: 'Europe/Kyiv' },
      { time_zone: 'US/Eastern', timeZone: 'US/Eastern' },
    ])('keeps time_zone $time_zone as $timeZone', ({ time_zone, timeZone }) => {
      // Act
      const result = validateScheduleRequest(
        { name: 'x', interval: 'daily', start_time: LATER, time_zone },
        NOW,
      );

      // Assess
      expect(result.ok && result.schedule.timeZone).toBe(timeZone);
    });

    it.each([
      { interval: undefined, message: 'This field is required.' },
      {
        interval: 'monthly',
        message:
          '"monthly" is not a valid choice. Choose one of: immediately, future, hourly, daily, weekly, custom.',
      },
      {
        interval: 7,
        message:
          '"7" is not a valid choice. Choose one of: immediately, future, hourly, daily, weekly, custom.',
      },
    ])('refuses interval $interval', ({ interval, message }) => {
      // Act
      const result = validateScheduleRequest({ name: 'x', interval, start_time: LATER }, NOW);

      // Assess
      expect(result).toEqual({ ok: false, errors: { interval: message } });
    });

    it.each(['Mars/Olympus', '+05:00', 'EST-5', 12])('refuses time_zone %s', (time_zone) => {
      // Act
      const result = validateScheduleRequest(
        { name: 'x', interval: 'daily', start_time: LATER, time_zone },
        NOW,
      );

      // Assess
      expect(result).toEqual({
        ok: false,
        errors: {
          time_zone: `A valid timezone is required: "${time_zone}" is not an IANA time zone name such as "Europe/London".`,
        },
      });
    });
  });

  it('reports every field at once so callers can merge them with their own', () => {
    // Act
    const result = validateScheduleRequest(
      {
        name: '',
        interval: 'custom',
        start_time: '2020-01-01T00:00:00Z',
        crontab: 'nope',
        time_zone: 'Nowhere',
      },
      NOW,
    );

    // Assess
    expect(result).toEqual({
      ok: false,
      errors: {
        name: NAME_REQUIRED,
        start_time: START_TIME_INVALID,
        crontab: CRONTAB_INVALID,
        time_zone: SCHEDULE_MESSAGES.timeZoneInvalid('Nowhere'),
      },
    });
  });

  it.each([
    { input: null, got: 'null' },
    { input: 'daily', got: 'string' },
    { input: ['daily'], got: 'list' },
  ])('refuses a schedule that is not an object: $got', ({ input, got }) => {
    // Act
    const result = validateScheduleRequest(input, NOW);

    // Assess
    expect(result).toEqual({
      ok: false,
      errors: { non_field_errors: `Invalid data. Expected a dictionary, but got ${got}.` },
    });
  });
});

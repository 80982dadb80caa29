import { describe, expect, it } from 'vitest';
import { formatInZone, nextRunTimes, type Schedule } from '../../../lambdas/core/schedules';

describe('Function: formatInZone', () => {
  it.each([
    { date: '2030-01-01T01:00:00Z', zone: 'UTC', expected: '2030-01-01T01:00:00+00:00' },
    { date: '2030-01-01T01:00:00.999Z', zone: 'UTC', expected: '2030-01-01T01:00:00+00:00' },
    { date: '2030-01-01T01:00:00Z', zone: 'Asia/Kolkata', expected: '2030-01-01T06:30:00+05:30' },
    { date: '2030-01-01T14:00:00Z', zone: 'America/New_York', expected: '2030-01-01T09:00:00-05:00' },
    { date: '2030-07-01T13:00:00Z', zone: 'America/New_York', expected: '2030-07-01T09:00:00-04:00' },
    { date: '2030-07-01T08:00:00Z', zone: 'Europe/London', expected: '2030-07-01T09:00:00+01:00' },
    { date: '2030-01-01T00:00:00Z', zone: 'Pacific/Chatham', expected: '2030-01-01T13:45:00+13:45' },
    { date: '2026-11-01T05:30:00Z', zone: 'America/New_York', expected: '2026-11-01T01:30:00-04:00' },
    { date: '2026-11-01T06:30:00Z', zone: 'America/New_York', expected: '2026-11-01T01:30:00-05:00' },
  ])('$date in $zone is $expected', ({ date, zone, expected }) => {
    // Act
    const result = formatInZone(new Date(date), zone);

    // Assess
    expect(result).toBe(expected);
  });
});

describe('Function: nextRunTimes', () => {
  const daily: Schedule = {
    name: 'nightly',
    interval: 'daily',
    startTime: new Date('2026-10-01T13:00:00Z'),
    crontab: undefined,
    timeZone: 'America/New_York',
  };

  it('shows the next five runs in the schedule zone, across the end of DST', () => {
    // Act
    const result = nextRunTimes(daily, new Date('2026-10-30T12:00:00Z'));

    // Assess
    expect(result).toEqual([
      '2026-10-30T09:00:00-04:00',
      '2026-10-31T09:00:00-04:00',
      '2026-11-01T09:00:00-05:00',
      '2026-11-02T09:00:00-05:00',
      '2026-11-03T09:00:00-05:00',
    ]);
  });

  it("shows them in the requester's zone when asked (London is already back on GMT)", () => {
    // Act
    const result = nextRunTimes(daily, new Date('2026-10-30T12:00:00Z'), 3, 'Europe/London');

    // Assess
    expect(result).toEqual([
      '2026-10-30T13:00:00+00:00',
      '2026-10-31T13:00:00+00:00',
      '2026-11-01T14:00:00+00:00',
    ]);
  });

  it('does not run before start_time', () => {
    // Act
    const result = nextRunTimes(daily, new Date('2026-09-01T00:00:00Z'), 2);

    // Assess
    expect(result).toEqual(['2026-10-01T09:00:00-04:00', '2026-10-02T09:00:00-04:00']);
  });

  it.each([
    {
      schedule: { interval: 'future', startTime: new Date('2030-01-01T09:00:00Z'), timeZone: 'Asia/Kolkata' },
      now: '2029-12-31T00:00:00Z',
      expected: ['2030-01-01T14:30:00+05:30'],
    },
    {
      schedule: { interval: 'immediately', startTime: new Date('2030-01-01T09:00:00.250Z'), timeZone: 'UTC' },
      now: '2030-01-01T09:00:00.250Z',
      expected: ['2030-01-01T09:00:00+00:00'],
    },
    {
      schedule: {
        interval: 'custom',
        crontab: '0 9 * * MON',
        startTime: undefined,
        timeZone: 'Australia/Sydney',
      },
      now: '2030-01-01T00:00:00Z',
      expected: ['2030-01-07T09:00:00+11:00', '2030-01-14T09:00:00+11:00'],
    },
    {
      schedule: { interval: 'hourly', startTime: new Date('2030-01-01T03:45:00Z'), timeZone: 'Asia/Kolkata' },
      now: '2030-01-01T03:45:00Z',
      expected: ['2030-01-01T09:15:00+05:30', '2030-01-01T10:15:00+05:30'],
    },
  ] as const)('previews $schedule.interval', ({ schedule, now, expected }) => {
    // Prepare
    const input: Schedule = { name: 'x', crontab: undefined, ...schedule };

    // Act
    const result = nextRunTimes(input, new Date(now), expected.length);

    // Assess
    expect(result).toEqual(expected);
  });
});

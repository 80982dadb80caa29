import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { nextOccurrences, parseScheduleExpression } from '../../../lambdas/core/schedules';

/**
 * An independent, deliberately naive oracle: walk real time minute by minute, read the zone's
 * clock with luxon, and keep each matching reading the first time it is seen (a reading repeated
 * by a fall-back runs once; a reading skipped by a spring-forward is never seen).
 */
function referenceRuns(expression: string, zone: string, from: Date, minutes: number): string[] {
  const parsed = parseScheduleExpression(expression);
  if (parsed.kind !== 'cron') throw new Error('cron only');
  const { fields } = parsed;
  const seen = new Set<string>();
  const found: string[] = [];
  const start = Math.floor(from.getTime() / 60_000) * 60_000 + 60_000;
  for (let t = start; t < start + minutes * 60_000; t += 60_000) {
    const wall = DateTime.fromMillis(t, { zone });
    const reading = wall.toFormat('yyyy-MM-dd HH:mm');
    if (seen.has(reading)) continue;
    seen.add(reading);
    const dayMatches =
      fields.daysOfMonth !== undefined
        ? fields.daysOfMonth.has(wall.day)
        : fields.daysOfWeek?.has((wall.weekday % 7) + 1);
    if (
      fields.minutes.includes(wall.minute) &&
      fields.hours.includes(wall.hour) &&
      fields.months.includes(wall.month) &&
      fields.years.has(wall.year) &&
      dayMatches
    ) {
      found.push(new Date(t).toISOString());
    }
  }
  return found;
}

const WINDOWS = [
  { zone: 'America/New_York', from: '2026-03-07T12:00:00Z' },
  { zone: 'America/New_York', from: '2026-10-31T12:00:00Z' },
  { zone: 'Europe/London', from: '2026-03-28T12:00:00Z' },
  { zone: 'Europe/London', from: '2026-10-24T12:00:00Z' },
  { zone: 'Australia/Sydney', from: '2026-04-04T00:00:00Z' },
  { zone: 'Australia/Sydney', from: '2026-10-03T00:00:00Z' },
  { zone: 'Australia/Lord_Howe', from: '2026-04-04T00:00:00Z' },
  { zone: 'Australia/Lord_Howe', from: '2026-10-03T00:00:00Z' },
  { zone: 'Asia/Kolkata', from: '2030-01-01T00:00:00Z' },
  { zone: 'Pacific/Apia', from: '2011-12-28T00:00:00Z' },
];

const EXPRESSIONS = [
  'cron(0 * * * ? *)',
  'cron(0/15 * * * ? *)',
  'cron(30 1-3 * * ? *)',
  'cron(45 0,2,23 ? * SUN,MON,WED,FRI *)',
  'cron(5-59/7 2 * * ? *)',
];

const CASES = WINDOWS.flatMap((window) => EXPRESSIONS.map((expression) => ({ ...window, expression })));

describe('Function: nextOccurrences (against a minute-by-minute reference)', () => {
  it.each(CASES)('$expression in $zone from $from', ({ expression, zone, from }) => {
    // Prepare
    const expected = referenceRuns(expression, zone, new Date(from), 3 * 24 * 60);

    // Act
    const result = nextOccurrences(
      { expression: expression, timeZone: zone },
      new Date(from),
      expected.length,
    ).map((run) => run.toISOString());

    // Assess
    expect(expected.length).toBeGreaterThan(0);
    expect(result).toEqual(expected);
  });
});

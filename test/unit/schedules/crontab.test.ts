import { describe, expect, it } from 'vitest';
import { CrontabSyntaxError, parseCrontab } from '../../../lambdas/core/schedules';

describe('Function: parseCrontab', () => {
  it.each([
    { crontab: '* * * * *', field: 'minute', values: Array.from({ length: 60 }, (_, i) => i) },
    { crontab: '*/15 * * * *', field: 'minute', values: [0, 15, 30, 45] },
    { crontab: '1-30/5 * * * *', field: 'minute', values: [1, 6, 11, 16, 21, 26] },
    { crontab: '5/10 * * * *', field: 'minute', values: [5, 15, 25, 35, 45, 55] },
    { crontab: '0,30,45 * * * *', field: 'minute', values: [0, 30, 45] },
    { crontab: '0 9-17/4 * * *', field: 'hour', values: [9, 13, 17] },
    { crontab: '0 0 1,15,31 * *', field: 'dayOfMonth', values: [1, 15, 31] },
    { crontab: '0 0 * jan-mar,Dec *', field: 'month', values: [1, 2, 3, 12] },
    { crontab: '0 0 * */3 *', field: 'month', values: [1, 4, 7, 10] },
    { crontab: '0 0 * * 0', field: 'dayOfWeek', values: [0] },
    { crontab: '0 0 * * 7', field: 'dayOfWeek', values: [0] },
    { crontab: '0 0 * * sun', field: 'dayOfWeek', values: [0] },
    { crontab: '0 0 * * MON-FRI', field: 'dayOfWeek', values: [1, 2, 3, 4, 5] },
    { crontab: '0 0 * * FRI-SUN', field: 'dayOfWeek', values: [0, 5, 6] },
    { crontab: '0 0 * * 5-7', field: 'dayOfWeek', values: [0, 5, 6] },
    { crontab: '0 0 * * */2', field: 'dayOfWeek', values: [0, 2, 4, 6] },
  ] as const)('reads $field of "$crontab"', ({ crontab, field, values }) => {
    // Act
    const parsed = parseCrontab(crontab);

    // Assess
    expect(parsed[field].values).toEqual(values);
  });

  it('keeps the items as written, names turned into numbers, and normalizes spacing', () => {
    // Act
    const parsed = parseCrontab('  */15   1-5/2 5/10 JAN-MAR,6 * ');

    // Assess
    expect(parsed.source).toBe('*/15 1-5/2 5/10 JAN-MAR,6 *');
    expect(parsed.minute.items).toEqual([{ kind: 'every', step: 15 }]);
    expect(parsed.hour.items).toEqual([{ kind: 'range', from: 1, to: 5, step: 2 }]);
    expect(parsed.dayOfMonth.items).toEqual([{ kind: 'value', value: 5, step: 10 }]);
    expect(parsed.month.items).toEqual([
      { kind: 'range', from: 1, to: 3, step: undefined },
      { kind: 'value', value: 6, step: undefined },
    ]);
  });

  it.each([
    { crontab: '0 9 * * *', dayOfMonth: false, dayOfWeek: false },
    { crontab: '0 9 1 * *', dayOfMonth: true, dayOfWeek: false },
    { crontab: '0 9 * * 1', dayOfMonth: false, dayOfWeek: true },
    { crontab: '0 9 */2 * 1', dayOfMonth: true, dayOfWeek: true },
  ])(
    'marks "$crontab" day fields restricted: $dayOfMonth / $dayOfWeek',
    ({ crontab, dayOfMonth, dayOfWeek }) => {
      // Act
      const parsed = parseCrontab(crontab);

      // Assess
      expect([parsed.dayOfMonth.restricted, parsed.dayOfWeek.restricted]).toEqual([dayOfMonth, dayOfWeek]);
    },
  );

  it.each([
    { crontab: '', reason: /5 fields.*got 0/ },
    { crontab: '* * * *', reason: /5 fields.*got 4/ },
    { crontab: '0 0 * * * *', reason: /5 fields.*got 6/ },
    { crontab: '60 * * * *', reason: /minute value 60 is outside 0-59/ },
    { crontab: '* 24 * * *', reason: /hour value 24 is outside 0-23/ },
    { crontab: '* * 0 * *', reason: /day-of-month value 0 is outside 1-31/ },
    { crontab: '* * 32 * *', reason: /day-of-month value 32/ },
    { crontab: '* * * 13 *', reason: /month value 13/ },
    { crontab: '* * * 0 *', reason: /month value 0/ },
    { crontab: '* * * * 8', reason: /day-of-week value 8/ },
    { crontab: '1,,2 * * * *', reason: /empty entry/ },
    { crontab: '1, * * * *', reason: /empty entry/ },
    { crontab: '*/0 * * * *', reason: /step "0"/ },
    { crontab: '*/60 * * * *', reason: /step "60"/ },
    { crontab: '*/ * * * *', reason: /step ""/ },
    { crontab: '30-10 * * * *', reason: /runs backwards/ },
    { crontab: '-5 * * * *', reason: /"-5" is not valid/ },
    { crontab: '1-2-3 * * * *', reason: /"1-2-3" is not valid/ },
    { crontab: '* * * * MONDAY', reason: /"MONDAY" is not a valid day-of-week/ },
    { crontab: '* * * FOO *', reason: /"FOO" is not a valid month/ },
    { crontab: '* * * * MON#2', reason: /not a valid day-of-week/ },
    { crontab: '* * L * *', reason: /"L" is not a valid day-of-month/ },
    { crontab: '* * ? * *', reason: /"\?" is not a valid day-of-month/ },
    { crontab: '1.5 * * * *', reason: /"1.5" is not a valid minute/ },
    { crontab: '0 0 30 2 *', reason: /Day 30 never occurs/ },
    { crontab: '0 0 31 4,6,9,11 *', reason: /Day 31 never occurs/ },
  ])('rejects "$crontab"', ({ crontab, reason }) => {
    // Act
    const parse = () => parseCrontab(crontab);

    // Assess
    expect(parse).toThrow(CrontabSyntaxError);
    expect(parse).toThrow(reason);
  });
});

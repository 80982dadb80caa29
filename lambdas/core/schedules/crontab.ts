/**
 * Standard five-field crontab (`minute hour day-of-month month day-of-week`), as Nautobot accepts it
 * for `custom` schedules. Only what classic cron can say is accepted: `*`, values, ranges, steps,
 * lists, and three-letter month and weekday names. Quartz/EventBridge extras (`?`, `L`, `W`, `#`)
 * and the six-field form are rejected, so every accepted crontab has exactly one meaning.
 */

export class CrontabSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CrontabSyntaxError';
  }
}

export type CrontabFieldName = 'minute' | 'hour' | 'dayOfMonth' | 'month' | 'dayOfWeek';

/** One comma-separated part of a field as written, names already turned into numbers. */
export type CrontabItem =
  | { readonly kind: 'every'; readonly step?: number | undefined }
  | { readonly kind: 'value'; readonly value: number; readonly step?: number | undefined }
  | {
      readonly kind: 'range';
      readonly from: number;
      readonly to: number;
      readonly step?: number | undefined;
    };

export interface CrontabField {
  readonly items: readonly CrontabItem[];
  /** Sorted, distinct; day-of-week uses 0–6 with Sunday as 0 (a written 7 becomes 0). */
  readonly values: readonly number[];
  /** Anything but a bare `*`. Classic cron ORs day-of-month and day-of-week when both are restricted. */
  readonly restricted: boolean;
}

export interface Crontab {
  /** The five fields joined by single spaces, as written. */
  readonly source: string;
  readonly minute: CrontabField;
  readonly hour: CrontabField;
  readonly dayOfMonth: CrontabField;
  readonly month: CrontabField;
  readonly dayOfWeek: CrontabField;
}

interface FieldSpec {
  readonly name: CrontabFieldName;
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', label: 'minute', min: 0, max: 59 },
  { name: 'hour', label: 'hour', min: 0, max: 23 },
  { name: 'dayOfMonth', label: 'day-of-month', min: 1, max: 31 },
  { name: 'month', label: 'month', min: 1, max: 12, names: MONTH_NAMES },
  { name: 'dayOfWeek', label: 'day-of-week', min: 0, max: 7, names: WEEKDAY_NAMES },
];

/** Longest month each month can have (February in a leap year). */
const MAX_DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const ITEM = /^(?<base>\*|[^-/]+|[^-/]+-[^-/]+)(?:\/(?<step>[^/]*))?$/;

export function parseCrontab(text: string): Crontab {
  const parts = text.trim().split(/\s+/).filter(Boolean);
  if (parts.length !== FIELDS.length) {
    throw new CrontabSyntaxError(
      `A crontab has 5 fields (minute hour day-of-month month day-of-week); got ${parts.length}.`,
    );
  }
  const [minute, hour, dayOfMonth, month, dayOfWeek] = FIELDS.map((spec, index) =>
    parseField(parts[index] ?? '', spec),
  ) as [CrontabField, CrontabField, CrontabField, CrontabField, CrontabField];
  const crontab = { source: parts.join(' '), minute, hour, dayOfMonth, month, dayOfWeek };
  assertCanMatch(crontab);
  return crontab;
}

function parseField(text: string, spec: FieldSpec): CrontabField {
  const values = new Set<number>();
  const items = text.split(',').map((part) => {
    const item = parseItem(part, spec);
    for (const value of expand(item, spec)) values.add(spec.name === 'dayOfWeek' ? value % 7 : value);
    return item;
  });
  return { items, values: [...values].sort((a, b) => a - b), restricted: text !== '*' };
}

function parseItem(part: string, spec: FieldSpec): CrontabItem {
  const match = ITEM.exec(part);
  const base = match?.groups?.base;
  if (base === undefined) {
    throw new CrontabSyntaxError(
      part === ''
        ? `The ${spec.label} field has an empty entry.`
        : `"${part}" is not valid in ${spec.label}.`,
    );
  }
  const stepText = match?.groups?.step;
  const step = stepText === undefined ? undefined : parseStep(stepText, spec);
  if (base === '*') return { kind: 'every', step };
  const bounds = base.split('-');
  const from = parseValue(bounds[0] ?? '', spec);
  if (bounds.length === 1) return { kind: 'value', value: from, step };
  const toText = bounds[1] ?? '';
  let to = parseValue(toText, spec);
  // `FRI-SUN` means Friday to Sunday: SUN closing a range is the 7 that cron also accepts.
  if (spec.name === 'dayOfWeek' && to === 0 && from > 0) to = 7;
  if (from > to) {
    throw new CrontabSyntaxError(`The ${spec.label} range "${base}" runs backwards.`);
  }
  return { kind: 'range', from, to, step };
}

function parseValue(text: string, spec: FieldSpec): number {
  const nameIndex = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  if (nameIndex >= 0) return spec.name === 'month' ? nameIndex + 1 : nameIndex;
  if (!/^\d+$/.test(text)) throw new CrontabSyntaxError(`"${text}" is not a valid ${spec.label} value.`);
  const value = Number(text);
  if (value < spec.min || value > spec.max) {
    throw new CrontabSyntaxError(`${spec.label} value ${text} is outside ${spec.min}-${spec.max}.`);
  }
  return value;
}

function parseStep(text: string, spec: FieldSpec): number {
  const step = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  const largest = spec.max - spec.min;
  if (!(step >= 1 && step <= largest)) {
    throw new CrontabSyntaxError(
      `The ${spec.label} step "${text}" must be a whole number from 1 to ${largest}.`,
    );
  }
  return step;
}

function expand(item: CrontabItem, spec: FieldSpec): number[] {
  const [from, to, step] =
    item.kind === 'every'
      ? [spec.min, spec.max, item.step ?? 1]
      : item.kind === 'value'
        ? [item.value, item.step === undefined ? item.value : spec.max, item.step ?? 1]
        : [item.from, item.to, item.step ?? 1];
  const values: number[] = [];
  for (let value = from; value <= to; value += step) values.push(value);
  return values;
}

/** `0 0 30 2 *` is well-formed but never runs; saying so now beats a schedule that silently never fires. */
function assertCanMatch(crontab: Crontab): void {
  if (!crontab.dayOfMonth.restricted || crontab.dayOfWeek.restricted) return;
  const firstDay = crontab.dayOfMonth.values[0] ?? 1;
  const possible = crontab.month.values.some((month) => firstDay <= (MAX_DAYS_IN_MONTH[month - 1] ?? 31));
  if (!possible) {
    throw new CrontabSyntaxError(
      `Day ${firstDay} never occurs in the selected months, so it would never run.`,
    );
  }
}

/** Times are shown in the viewer's zone, with the zone named; schedules in their own zone. */
import { zoneNamed } from '../../lambdas/core/schedules/time-zones';

export const browserTimeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let found = formatters.get(timeZone);
  if (!found) {
    found = new Intl.DateTimeFormat(undefined, {
      timeZone,
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZoneName: 'short',
    });
    formatters.set(timeZone, found);
  }
  return found;
}

export function formatTime(iso: string | null | undefined, timeZone = browserTimeZone): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return formatter(timeZone).format(date);
}

export function timeZones(): string[] {
  const zones = Intl.supportedValuesOf?.('timeZone') ?? [];
  return zones.includes('UTC') ? zones : ['UTC', ...zones];
}

/** How long ago, e.g. "5 minutes ago", for the age of a request. */
export function age(iso: string, now = Date.now()): string {
  const seconds = Math.round((now - Date.parse(iso)) / 1000);
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  const steps: [number, Intl.RelativeTimeFormatUnit][] = [
    [60, 'second'],
    [60, 'minute'],
    [24, 'hour'],
    [365, 'day'],
  ];
  let value = seconds;
  for (const [size, unit] of steps) {
    if (Math.abs(value) < size) return rtf.format(-value, unit);
    value = Math.round(value / size);
  }
  return rtf.format(-value, 'year');
}

/** The offset of `timeZone` at `instant`, in minutes east of UTC: the API's own zone arithmetic. */
function offsetMinutes(timeZone: string, instant: number): number {
  return zoneNamed(timeZone).offset(instant);
}

/**
 * A wall time from a `datetime-local` input ("2030-01-01T09:00"), read in `timeZone`, as ISO 8601
 * with that zone's offset — the API wants an explicit offset and the zone only drives recurrences.
 */
export function wallTimeToIso(wall: string, timeZone: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(wall);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match;
  const guess = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
  let offset = offsetMinutes(timeZone, guess);
  const second = offsetMinutes(timeZone, guess - offset * 60_000);
  if (second !== offset) offset = second;
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${y}-${mo}-${d}T${h}:${mi}:${s ?? '00'}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** Now plus `minutes`, as a `datetime-local` value in `timeZone`. */
export function wallTimeIn(timeZone: string, minutesFromNow: number): string {
  const instant = Date.now() + minutesFromNow * 60_000;
  const shifted = new Date(instant + offsetMinutes(timeZone, instant) * 60_000);
  return shifted.toISOString().slice(0, 16);
}

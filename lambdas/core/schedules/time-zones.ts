const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * The IANA name as written, with its letter case corrected where the runtime knows the zone under
 * that name (`america/new_york` → `America/New_York`, `utc` → `UTC`), or undefined if the runtime does
 * not know it at all. Links are deliberately not resolved: Node's ICU still "canonicalizes"
 * `Asia/Kolkata` to the retired `Asia/Calcutta` and `Europe/Kyiv` to `Europe/Kiev`, which is not what
 * the requester wrote nor what they expect to see. Fixed offsets such as `+05:00` are not zones.
 */
export function canonicalTimeZone(name: string): string | undefined {
  // Fixed offsets are refused whatever the runtime's ICU makes of them (Node 22 accepts `+05:00`).
  if (name === '' || /^[+-]/.test(name) || zoneFormat(name) === undefined) return undefined;
  const lower = name.toLowerCase();
  const known = knownZoneNames().find((zone) => zone.toLowerCase() === lower);
  if (known !== undefined) return known;
  const resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  return resolved.toLowerCase() === lower ? resolved : name;
}

let zoneNames: readonly string[] | undefined;

function knownZoneNames(): readonly string[] {
  zoneNames ??= Intl.supportedValuesOf('timeZone');
  return zoneNames;
}

/** A time zone as the occurrence evaluator needs it: its offset from UTC at an instant. */
export interface TimeZone {
  /** Minutes east of UTC in force at `instantMs`. */
  offset(instantMs: number): number;
}

/** Offsets looked up so far, per zone and minute; cleared when it grows past this many entries. */
const OFFSET_CACHE_LIMIT = 50_000;
const zones = new Map<string, TimeZone>();

/**
 * Throws for a name {@link canonicalTimeZone} rejects, so evaluation never runs on NaN offsets.
 *
 * Offsets are remembered per minute: every zone changes its offset on a whole minute, and asking
 * ICU (`formatToParts`) costs some 10–20 µs a time, while listing 50 scheduled jobs with 5 upcoming
 * runs each asks over a thousand times, mostly the same minutes.
 */
export function zoneNamed(name: string): TimeZone {
  const known = zones.get(name);
  if (known) return known;
  const format = zoneFormat(name);
  if (format === undefined) throw new RangeError(`Unknown time zone "${name}".`);
  const offsets = new Map<number, number>();
  const cached: TimeZone = {
    offset(instantMs) {
      const minute = Math.floor(instantMs / MINUTE_MS);
      let offset = offsets.get(minute);
      if (offset === undefined) {
        if (offsets.size >= OFFSET_CACHE_LIMIT) offsets.clear();
        offset = offsetFromParts(format, minute * MINUTE_MS);
        offsets.set(minute, offset);
      }
      return offset;
    },
  };
  zones.set(name, cached);
  return cached;
}

/**
 * A formatter that reads an instant on the zone's clocks, or undefined if the runtime does not know
 * the zone. (The occurrence evaluator needs no more of a date library than this: luxon, which did
 * it before, was 70 KiB of the API bundle.)
 */
function zoneFormat(name: string): Intl.DateTimeFormat | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    return undefined;
  }
}

/** Minutes east of UTC: the zone's wall-clock reading of `instantMs`, as if UTC, minus the instant. */
function offsetFromParts(format: Intl.DateTimeFormat, instantMs: number): number {
  const fields: Record<string, number> = {};
  let bc = false;
  for (const part of format.formatToParts(instantMs)) {
    if (part.type === 'era') bc = part.value === 'BC' || part.value === 'B';
    else if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const wall = new Date(0);
  wall.setUTCFullYear(
    bc ? 1 - (fields.year ?? 0) : (fields.year ?? 1970),
    (fields.month ?? 1) - 1,
    fields.day ?? 1,
  );
  wall.setUTCHours(fields.hour ?? 0, fields.minute ?? 0, fields.second ?? 0, 0);
  const wholeSecond = instantMs - (((instantMs % 1000) + 1000) % 1000);
  return (wall.getTime() - wholeSecond) / MINUTE_MS;
}

/**
 * A wall-clock reading written as if it were UTC: `Date.UTC(year, month - 1, day, hour, minute, second)`.
 * Plain numbers keep the occurrence search free of allocations.
 */
export type WallClockMs = number;

export function wallClockOf(instantMs: number, zone: TimeZone): WallClockMs {
  return instantMs + zone.offset(instantMs) * MINUTE_MS;
}

/**
 * Every instant at which the zone's clocks read `wall`, earliest first: none inside a
 * spring-forward gap, two inside a fall-back overlap, one otherwise.
 *
 * The offsets in force a day either side bracket any real transition (none changes the offset by
 * more than a day), so each candidate offset is tried and kept only if the zone agrees with it.
 */
export function instantsAtWallClock(wall: WallClockMs, zone: TimeZone): number[] {
  const offsets = new Set([zone.offset(wall - DAY_MS), zone.offset(wall), zone.offset(wall + DAY_MS)]);
  const instants: number[] = [];
  for (const offset of offsets) {
    const instant = wall - offset * MINUTE_MS;
    if (zone.offset(instant) === offset && !instants.includes(instant)) instants.push(instant);
  }
  return instants.sort((a, b) => a - b);
}

/** The offset (minutes) in force just before `wall`, used to place a reading that falls in a gap. */
export function offsetBeforeWallClock(wall: WallClockMs, zone: TimeZone): number {
  return zone.offset(wall - DAY_MS);
}

/**
 * ISO 8601 at seconds precision with the zone's explicit offset, the way Django renders aware
 * datetimes: `2030-01-01T01:00:00+00:00` (never `Z`), `2030-01-01T06:30:00+05:30`.
 *
 * Written out from the zone's offset (luxon's `toFormat` took ~150 µs a call, and a list of 50
 * scheduled jobs formats 250 upcoming runs).
 */
export function formatInZone(date: Date, timeZone: string): string {
  const instant = floorTo(date.getTime(), 1000);
  const offset = zoneNamed(timeZone).offset(instant);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${wallClockText(instant + offset * MINUTE_MS)}${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

/** `yyyy-mm-ddThh:mm:ss` as read on the zone's clocks, without an offset. */
export function formatWallClock(date: Date, timeZone: string): string {
  const instant = floorTo(date.getTime(), 1000);
  return wallClockText(wallClockOf(instant, zoneNamed(timeZone)));
}

/** A wall-clock reading as `yyyy-mm-ddThh:mm:ss` (years 0000–9999, which is all a schedule allows). */
function wallClockText(wall: WallClockMs): string {
  return new Date(wall).toISOString().slice(0, 19);
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}

export function floorTo(ms: number, unitMs: number): number {
  return Math.floor(ms / unitMs) * unitMs;
}

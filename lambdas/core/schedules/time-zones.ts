import { DateTime, IANAZone } from 'luxon';

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
  if (name === '' || !IANAZone.isValidZone(name)) return undefined;
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

/** Throws for a name {@link canonicalTimeZone} rejects, so evaluation never runs on NaN offsets. */
export function zoneNamed(name: string): IANAZone {
  const zone = IANAZone.create(name);
  if (!zone.isValid) throw new RangeError(`Unknown time zone "${name}".`);
  return zone;
}

/**
 * A wall-clock reading written as if it were UTC: `Date.UTC(year, month - 1, day, hour, minute, second)`.
 * Plain numbers keep the occurrence search free of allocations.
 */
export type WallClockMs = number;

export function wallClockOf(instantMs: number, zone: IANAZone): WallClockMs {
  return instantMs + zone.offset(instantMs) * MINUTE_MS;
}

/**
 * Every instant at which the zone's clocks read `wall`, earliest first: none inside a
 * spring-forward gap, two inside a fall-back overlap, one otherwise.
 *
 * The offsets in force a day either side bracket any real transition (none changes the offset by
 * more than a day), so each candidate offset is tried and kept only if the zone agrees with it.
 */
export function instantsAtWallClock(wall: WallClockMs, zone: IANAZone): number[] {
  const offsets = new Set([zone.offset(wall - DAY_MS), zone.offset(wall), zone.offset(wall + DAY_MS)]);
  const instants: number[] = [];
  for (const offset of offsets) {
    const instant = wall - offset * MINUTE_MS;
    if (zone.offset(instant) === offset && !instants.includes(instant)) instants.push(instant);
  }
  return instants.sort((a, b) => a - b);
}

/** The offset (minutes) in force just before `wall`, used to place a reading that falls in a gap. */
export function offsetBeforeWallClock(wall: WallClockMs, zone: IANAZone): number {
  return zone.offset(wall - DAY_MS);
}

/**
 * ISO 8601 at seconds precision with the zone's explicit offset, the way Django renders aware
 * datetimes: `2030-01-01T01:00:00+00:00` (never `Z`), `2030-01-01T06:30:00+05:30`.
 */
export function formatInZone(date: Date, timeZone: string): string {
  return DateTime.fromMillis(floorTo(date.getTime(), 1000), { zone: zoneNamed(timeZone) }).toFormat(
    "yyyy-MM-dd'T'HH:mm:ssZZ",
  );
}

/** `yyyy-mm-ddThh:mm:ss` as read on the zone's clocks, without an offset. */
export function formatWallClock(date: Date, timeZone: string): string {
  return DateTime.fromMillis(floorTo(date.getTime(), 1000), { zone: zoneNamed(timeZone) }).toFormat(
    "yyyy-MM-dd'T'HH:mm:ss",
  );
}

export function floorTo(ms: number, unitMs: number): number {
  return Math.floor(ms / unitMs) * unitMs;
}

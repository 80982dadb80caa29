import { randomUUID } from 'node:crypto';
import type { Clock, IdGenerator } from './ports';

export const systemClock: Clock = { now: () => new Date() };
export const uuidGenerator: IdGenerator = { newId: () => randomUUID() };

/** Every id this service hands out is UUID-shaped; anything else cannot name a record. */
const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isRecordId(value: string): boolean {
  return ID.test(value);
}

import { createHash } from 'node:crypto';

/**
 * A UUID-shaped id derived from a key: every instance that derives it from the same change
 * gets the same id, so a unique (session, change) constraint makes the change happen once.
 */
export function derivedId(key: string): string {
  const h = createHash('sha256').update(key).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

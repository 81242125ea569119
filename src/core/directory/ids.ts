import { createHash } from 'node:crypto';

// Pipework's own namespace for name-based ids (RFC 9562 §5.5, UUID version 5).
const NAMESPACE = Buffer.from('5f0c2d3e9a8b4c1d8e7f60718293a4b5', 'hex');

/**
 * A stable UUID for a name, so a council's Open311 services keep the same
 * directory ids on every read and every server (ORUK ids are UUIDs).
 *
 * @example uuidFor('service', 'example', 'pothole') // the same on every call
 */
export function uuidFor(...parts: string[]): string {
  const hash = createHash('sha1').update(NAMESPACE).update(parts.join('\u0000')).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const h = hash.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

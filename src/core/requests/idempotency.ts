import { createHash } from 'node:crypto';
import type { Service } from '../services/service.ts';
import type { Submission } from './submit.ts';

/** The key a new request is stored under so that a re-send finds it: whose key, which key, and what was sent with it. */
export interface IdempotencyScope {
  clientId: string;
  key: string;
  submissionHash: string;
  /** An explicit Idempotency-Key: a re-send with a different body is refused. An implied one (blackbox) gives back the first request. */
  strict: boolean;
}

/** What was sent, as the front end handed it over. */
type Sent = Pick<Submission, 'serviceCode' | 'description' | 'attributes' | 'location' | 'contact' | 'accountId' | 'deviceId' | 'mediaUrls' | 'clientId' | 'idempotencyKey'>;

/**
 * The idempotency scope of a submission, if it has one:
 * - the client's `Idempotency-Key`, which belongs to that client (API key):
 *   another client using the same value makes a request of its own;
 * - for a `blackbox` service, `attribute[fixmystreet_id]`: the GeoReport v2
 *   answer for blackbox carries no id, so FixMyStreet takes it as a failed
 *   send and sends the same report again (MYSOCIETY-EXTENSIONS.md, "Types of
 *   service"). The implied key has a space in it, which no Idempotency-Key
 *   header may have, so the two never meet.
 */
export function idempotencyScope(service: Pick<Service, 'type'>, s: Sent): IdempotencyScope | undefined {
  const clientId = s.clientId ?? '';
  if (s.idempotencyKey) return { clientId, key: s.idempotencyKey, submissionHash: submissionHash(s), strict: true };
  const fms = s.attributes.fixmystreet_id;
  if (service.type === 'blackbox' && typeof fms === 'string' && fms.trim() && fms.length <= 255) {
    return { clientId, key: `fixmystreet_id ${fms.trim()}`, submissionHash: submissionHash(s), strict: false };
  }
  return undefined;
}

/**
 * A digest of what the client sent (not the uploaded files' bytes, which are
 * stored only once the answers are valid). Object keys are sorted, so the
 * same answers in another order are the same submission.
 */
export function submissionHash(s: Sent): string {
  const parts = [s.serviceCode, s.description, s.attributes, s.location, s.contact, s.accountId, s.deviceId, s.mediaUrls];
  return createHash('sha256').update(canonicalJson(parts)).digest('hex');
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

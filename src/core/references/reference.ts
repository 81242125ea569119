import { createHmac } from 'node:crypto';

/**
 * Resident references: eight characters, seven carrying a number and one
 * check character, from 29 symbols that are hard to misread (no 0/O, 1/I/L,
 * 5/S, U/V). The number is the request's id put through a keyed permutation
 * (a Feistel network with cycle walking), so every request has exactly one
 * reference, no two share one, and knowing one reference says nothing about
 * the next. The check character is a weighted sum modulo 29 (a prime): any one
 * character mistyped, and any two characters swapped, fail the check, so a typo
 * is told apart from a report that does not exist. Open311 ids are unchanged.
 *
 * @example
 *   const codec = referenceCodec(secret);
 *   codec.encode('42');         // 'K7QD-M2XA' (depends on the secret)
 *   codec.decode('k7qd m2xa');  // '42'
 */
export const REFERENCE_ALPHABET = '23456789ABCDEFGHJKMNPQRTVWXYZ';
const BASE = REFERENCE_ALPHABET.length; // 29, a prime
const DATA_CHARS = 7;
/** How many requests can have a reference: 29^7, about 17 billion. */
export const REFERENCE_SPACE = BASE ** DATA_CHARS;
const HALF_BITS = 18; // the permutation works on 36 bits and walks until it lands under REFERENCE_SPACE
const HALF = 2 ** HALF_BITS;
const ROUNDS = 4;

export type ReferenceParse = { ok: true; reference: string } | { ok: false; reason: 'format' | 'check' };

export interface ReferenceCodec {
  /** The reference for a request id, written as residents see it: `XXXX-XXXX`. */
  encode(id: string): string;
  /** The request id a well-formed reference stands for; undefined when it fails its check. */
  decode(reference: string): string | undefined;
}

/** Upper case, spaces, hyphens and a leading "#" or "ref" dropped: what a person typing a reference might add. */
export function normaliseReference(raw: string): string {
  return raw.trim().toUpperCase().replace(/^(#|REF(ERENCE)?:?)\s*/, '').replace(/[\s-]+/g, '');
}

/** Whether a normalised reference has the shape and the check character of one. */
export function parseReference(normalised: string): ReferenceParse {
  if (normalised.length !== DATA_CHARS + 1 || [...normalised].some((c) => !REFERENCE_ALPHABET.includes(c))) return { ok: false, reason: 'format' };
  return checkSum([...normalised].map((c) => REFERENCE_ALPHABET.indexOf(c))) === 0 ? { ok: true, reference: normalised } : { ok: false, reason: 'check' };
}

/** Weights 1 (the check character) to 8: distinct and non-zero modulo 29, so one wrong or two swapped characters always change the sum. */
const checkSum = (digits: number[]) => digits.reduce((sum, d, i) => sum + d * (digits.length - i), 0) % BASE;

export function referenceCodec(secret: string): ReferenceCodec {
  const round = (r: number, n: number) => createHmac('sha256', secret).update(`${n}:${r}`).digest().readUInt32BE(0) % HALF;
  const forward = (x: number) => {
    let l = Math.floor(x / HALF), r = x % HALF;
    for (let n = 0; n < ROUNDS; n++) [l, r] = [r, (l ^ round(r, n)) >>> 0];
    return l * HALF + r;
  };
  const backward = (y: number) => {
    let l = Math.floor(y / HALF), r = y % HALF;
    for (let n = ROUNDS - 1; n >= 0; n--) [l, r] = [(r ^ round(l, n)) >>> 0, l];
    return l * HALF + r;
  };
  // Cycle walking: a permutation of 0..2^36 becomes one of 0..REFERENCE_SPACE by stepping again until inside.
  const walk = (x: number, step: (v: number) => number) => {
    let v = step(x);
    while (v >= REFERENCE_SPACE) v = step(v);
    return v;
  };
  return {
    encode(id) {
      const n = Number(id);
      if (!Number.isSafeInteger(n) || n < 1 || n >= REFERENCE_SPACE) throw new RangeError(`No reference for request id ${id}`);
      let v = walk(n, forward);
      const digits: number[] = [];
      for (let i = 0; i < DATA_CHARS; i++) {
        digits.unshift(v % BASE);
        v = Math.floor(v / BASE);
      }
      // The check character makes the weighted sum of all eight zero.
      const check = (BASE - checkSum([...digits, 0])) % BASE;
      const text = [...digits, check].map((d) => REFERENCE_ALPHABET[d]).join('');
      return `${text.slice(0, 4)}-${text.slice(4)}`;
    },
    decode(reference) {
      const parsed = parseReference(normaliseReference(reference));
      if (!parsed.ok) return undefined;
      const v = [...parsed.reference.slice(0, DATA_CHARS)].reduce((acc, c) => acc * BASE + REFERENCE_ALPHABET.indexOf(c), 0);
      const id = walk(v, backward);
      return id >= 1 ? String(id) : undefined;
    },
  };
}

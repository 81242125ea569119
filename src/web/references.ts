import type { Store } from '../core/store.ts';
import { normaliseReference, parseReference, referenceCodec, type ReferenceCodec } from '../core/references/reference.ts';

export type Resolved = { ok: true; id: string } | { ok: false; error: 'empty' | 'format' | 'check' };

/** Resident references for this site: the key is read from the store once, then kept. */
export interface References {
  of(id: string): Promise<string>;
  /** The request id a typed reference stands for, or why it cannot stand for one. */
  resolve(raw: string): Promise<Resolved>;
}

export function residentReferences(store: Store): References {
  let loaded: Promise<{ codec: ReferenceCodec; numericUntil: number }> | undefined;
  const load = () => {
    loaded ??= store.residentWeb.referenceSecret().then(({ secret, numericUntil }) => ({ codec: referenceCodec(secret), numericUntil }));
    // A failed read (an outage) is tried again next time rather than kept.
    loaded.catch(() => (loaded = undefined));
    return loaded;
  };
  return {
    async of(id) {
      return (await load()).codec.encode(id);
    },
    async resolve(raw) {
      const ref = normaliseReference(raw);
      if (!ref) return { ok: false, error: 'empty' };
      const { codec, numericUntil } = await load();
      // Numbers given to residents before references existed still find their report; later numbers find nothing.
      if (/^\d{1,12}$/.test(ref)) {
        const n = Number(ref);
        return n >= 1 && n <= numericUntil ? { ok: true, id: String(n) } : { ok: false, error: 'format' };
      }
      const parsed = parseReference(ref);
      if (!parsed.ok) return { ok: false, error: parsed.reason };
      const id = codec.decode(ref);
      return id ? { ok: true, id } : { ok: false, error: 'check' };
    },
  };
}

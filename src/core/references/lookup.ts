import type { Store } from '../store.ts';
import { normaliseReference, parseReference, referenceCodec, type ReferenceCodec } from './reference.ts';

// Staff type what the resident reads out (e.g. "HX4K-9TQM"): the reference is decoded
// with the site's key, never stored (decision 0135), so a search by it is a search by id.

const codecs = new WeakMap<object, Promise<ReferenceCodec>>();

/** The request id a resident reference stands for; undefined when the text is not one (words, digits, a failed check). */
export async function requestIdOfReference(store: Pick<Store, 'residentWeb'>, raw: string): Promise<string | undefined> {
  const ref = normaliseReference(raw);
  if (!parseReference(ref).ok) return undefined;
  let codec = codecs.get(store);
  if (!codec) {
    codec = store.residentWeb.referenceSecret().then(({ secret }) => referenceCodec(secret));
    codecs.set(store, codec);
    codec.catch(() => codecs.delete(store));
  }
  return (await codec).decode(ref);
}

/** The queue's text with a resident reference turned into the request id it stands for. */
export async function withReferenceDecoded<Q extends { text?: string }>(store: Pick<Store, 'residentWeb'>, q: Q): Promise<Q> {
  const id = q.text ? await requestIdOfReference(store, q.text) : undefined;
  return id ? { ...q, text: id } : q;
}

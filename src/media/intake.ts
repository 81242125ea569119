import { randomUUID } from 'node:crypto';
import type { Store } from '../core/store.ts';
import { invalid } from '../core/errors.ts';

/** Most files one request may carry (each at most MEDIA_LIMIT_BYTES, together at most UPLOAD_LIMIT_BYTES). */
export const FILES_PER_REQUEST = 10;

/** An uploaded file as the HTTP layer hands it over, before we trust anything about it. */
export interface Upload {
  field: string;
  filename: string;
  data: Buffer;
}

// Photos are recognised by their first bytes, never by the name or the declared type.
const SIGNATURES: { type: string; ext: string; test: (b: Buffer) => boolean }[] = [
  { type: 'image/jpeg', ext: 'jpg', test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { type: 'image/png', ext: 'png', test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { type: 'image/gif', ext: 'gif', test: (b) => b.subarray(0, 4).toString('latin1') === 'GIF8' },
  { type: 'image/webp', ext: 'webp', test: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP' },
];

export const sniffImage = (data: Buffer) => SIGNATURES.find((s) => s.test(data));

/**
 * Stores photos and returns the path each is served from (`/media/ID.ext`).
 * Anything that is not a JPEG, PNG, GIF or WebP image is refused.
 */
export async function storeUploads(store: Store, uploads: Upload[]): Promise<string[]> {
  const typed = uploads.filter((u) => u.data.length > 0).map((u) => ({ u, sig: sniffImage(u.data) }));
  const bad = typed.filter((t) => !t.sig);
  if (bad.length) {
    throw invalid(bad.map(({ u }) => ({ field: u.field, message: `${u.filename || u.field} is not a photo: upload a JPEG, PNG, GIF or WebP image` })));
  }
  const paths: string[] = [];
  for (const { u, sig } of typed) {
    const id = `${randomUUID()}.${sig!.ext}`;
    await store.media.put({ id, contentType: sig!.type, bytes: u.data });
    paths.push(`/media/${id}`);
  }
  return paths;
}

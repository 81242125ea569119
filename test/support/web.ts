import type { FastifyInstance } from 'fastify';
import type { Store } from '../../src/core/store.ts';
import { referenceCodec } from '../../src/core/references/reference.ts';

/**
 * A cookie-keeping client for the resident web over `app.inject()`: it reads
 * the CSRF token from the last form it fetched and posts it back, like a browser.
 */
export function webClient(app: FastifyInstance) {
  let cookie = '';
  let csrf = '';
  const remember = <R extends { headers: Record<string, unknown>; body: string }>(res: R): R => {
    const set = res.headers['set-cookie'];
    for (const c of Array.isArray(set) ? set : set ? [set] : []) {
      const [pair] = String(c).split(';');
      if (pair.startsWith('pipework_session=')) cookie = pair;
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
    if (token) csrf = token;
    return res;
  };
  return {
    get cookie() {
      return cookie;
    },
    set cookie(c: string) {
      cookie = c;
    },
    async get(url: string) {
      return remember(await app.inject({ url, headers: { cookie, accept: 'text/html' } }));
    },
    /** Posts a form; repeated keys as repeated pairs. `_csrf` is added unless given. */
    async post(url: string, pairs: [string, string][] | Record<string, string>) {
      const list = Array.isArray(pairs) ? pairs : Object.entries(pairs);
      if (!list.some(([k]) => k === '_csrf')) list.push(['_csrf', csrf]);
      return remember(
        await app.inject({
          method: 'POST',
          url,
          headers: { cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams(list).toString(),
        }),
      );
    },
    /** Posts multipart with one file, as the photo page does. */
    async upload(url: string, field: string, filename: string, data: Buffer, fields: Record<string, string> = {}) {
      const boundary = '----pipeworktest' + Math.random().toString(16).slice(2);
      const parts: Buffer[] = [];
      for (const [k, v] of Object.entries({ _csrf: csrf, ...fields })) {
        parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
      }
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`), data, Buffer.from(`\r\n--${boundary}--\r\n`));
      return remember(
        await app.inject({
          method: 'POST',
          url,
          headers: { cookie, accept: 'text/html', 'content-type': `multipart/form-data; boundary=${boundary}` },
          payload: Buffer.concat(parts),
        }),
      );
    },
  };
}

/** The texts of the GOV.UK error summary on a page. */
export const errorSummary = (html: string) =>
  [...(/<div class="govuk-error-summary[\s\S]*?<\/ul>/.exec(html)?.[0] ?? '').matchAll(/<a href="([^"]+)"[^>]*>\s*([^<]+?)\s*<\/a>/g)].map((m) => ({ href: m[1], text: m[2] }));

/** A tiny valid PNG (1×1). */
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/** The resident reference of a request id, and back, with the store's own key (as the web computes them). */
export async function residentReference(store: Store, id: string): Promise<string> {
  return referenceCodec((await store.residentWeb.referenceSecret()).secret).encode(id);
}
export async function requestIdOf(store: Store, reference: string): Promise<string | undefined> {
  return referenceCodec((await store.residentWeb.referenceSecret()).secret).decode(reference);
}

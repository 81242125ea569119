import { CheckFailed, type Exchange } from './check.ts';

export interface ClientOptions {
  timeoutMs: number;
  /** Largest body read, in bytes; the rest is cut (a report shows the start). */
  maxBytes: number;
}

export const CLIENT_DEFAULTS: ClientOptions = { timeoutMs: 15_000, maxBytes: 5 * 1024 * 1024 };

/**
 * Plain HTTP as a client sees it: no redirects followed (a redirect is an
 * answer to report), bounded in time and size, every call kept as an Exchange.
 */
export class Client {
  constructor(private readonly options: ClientOptions = CLIENT_DEFAULTS) {}

  async call(method: string, url: string, init: { body?: string; contentType?: string; headers?: Record<string, string> } = {}): Promise<Exchange> {
    const started = Date.now();
    const headers: Record<string, string> = { ...init.headers };
    if (init.body !== undefined) headers['content-type'] = init.contentType ?? 'application/x-www-form-urlencoded; charset=utf-8';
    const sent = { method, url, ...(init.body !== undefined ? { requestBody: init.body } : {}) };
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body: init.body, redirect: 'manual', signal: AbortSignal.timeout(this.options.timeoutMs) });
    } catch (e) {
      const cause = (e as Error).name === 'TimeoutError' ? `no answer within ${this.options.timeoutMs} ms` : String((e as Error & { cause?: Error }).cause?.message ?? (e as Error).message);
      throw new CheckFailed(`${method} ${shorten(url)} failed: ${cause}`, { ...sent, status: 0, contentType: '', headers: {}, body: '', ms: Date.now() - started });
    }
    const body = await readUpTo(res, this.options.maxBytes);
    return {
      ...sent,
      status: res.status,
      contentType: res.headers.get('content-type') ?? '',
      headers: Object.fromEntries(res.headers.entries()),
      body,
      ms: Date.now() - started,
    };
  }
}

async function readUpTo(res: Response, max: number): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body ?? []) {
      chunks.push(chunk);
      size += chunk.byteLength;
      if (size >= max) {
        await res.body?.cancel().catch(() => {});
        break;
      }
    }
  } catch {
    // A body cut off mid-way is reported as what arrived.
  }
  return Buffer.concat(chunks).subarray(0, max).toString('utf8');
}

/** URLs in messages stay readable even when a check sends thousands of ids. */
export const shorten = (url: string, max = 160) => (url.length > max ? `${url.slice(0, max)}… (${url.length} characters)` : url);

/** Limits on reading a feed from someone else's server: it may be slow, huge or loop. */
export interface FetchLimits {
  /** Largest body accepted, in bytes. */
  maxBytes: number;
  /** Longest wait for one response, headers and body, in ms. */
  timeoutMs: number;
  /** Most redirects followed for one URL. */
  maxRedirects: number;
}

export const DEFAULT_LIMITS: FetchLimits = { maxBytes: 20 * 1024 * 1024, timeoutMs: 20_000, maxRedirects: 5 };

export class FeedError extends Error {}

/**
 * GETs a URL and parses it as JSON, within the limits: redirects are followed
 * by hand (so they are counted, and only to http or https), the body is read
 * no further than `maxBytes`, and the whole exchange must end in `timeoutMs`.
 */
export async function fetchJson(url: string, limits: FetchLimits = DEFAULT_LIMITS): Promise<{ url: string; json: unknown }> {
  let current = url;
  for (let hop = 0; ; hop++) {
    const target = new URL(current);
    if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new FeedError(`${current}: only http and https URLs can be read`);
    const signal = AbortSignal.timeout(limits.timeoutMs);
    let res: Response;
    try {
      res = await fetch(target, { redirect: 'manual', signal, headers: { accept: 'application/json' } });
    } catch (e) {
      throw new FeedError(`${current}: ${signal.aborted ? `no answer within ${limits.timeoutMs} ms` : `cannot connect (${(e as Error).cause ?? (e as Error).message})`}`);
    }
    if (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
      await res.body?.cancel();
      if (hop >= limits.maxRedirects) throw new FeedError(`${url}: more than ${limits.maxRedirects} redirects`);
      current = new URL(res.headers.get('location')!, target).toString();
      continue;
    }
    const text = await readBounded(res, current, limits, signal);
    if (!res.ok) throw new FeedError(`${current}: HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`);
    try {
      return { url: current, json: JSON.parse(text) };
    } catch (e) {
      throw new FeedError(`${current}: not JSON (${(e as Error).message})`);
    }
  }
}

async function readBounded(res: Response, url: string, limits: FetchLimits, signal: AbortSignal): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > limits.maxBytes) {
    await res.body?.cancel();
    throw new FeedError(`${url}: ${declared} bytes is more than the ${limits.maxBytes} accepted`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body ?? []) {
      size += chunk.byteLength;
      if (size > limits.maxBytes) {
        await res.body?.cancel().catch(() => {});
        throw new FeedError(`${url}: the body is more than the ${limits.maxBytes} bytes accepted`);
      }
      chunks.push(chunk);
    }
  } catch (e) {
    if (e instanceof FeedError) throw e;
    throw new FeedError(`${url}: ${signal.aborted ? `no complete answer within ${limits.timeoutMs} ms` : `reading failed (${(e as Error).message})`}`);
  }
  return Buffer.concat(chunks).toString('utf8');
}

import { DeliveryError } from './port.ts';

/**
 * One HTTP call to a back-end, with a timeout, turning every way it can go
 * wrong into a DeliveryError that says what happened. 408, 429 and 5xx (and
 * network failures, timeouts) are worth retrying; other 4xx mean the back-end
 * refused the data itself, so retrying cannot help.
 */
export async function call(
  url: string,
  init: { method: string; headers?: Record<string, string>; body?: string },
  timeoutMs: number,
): Promise<{ status: number; text: string; contentType: string }> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    if (err.name === 'TimeoutError' || err.name === 'AbortError') throw new DeliveryError(`no answer from ${origin(url)} within ${timeoutMs} ms`);
    throw new DeliveryError(`cannot reach ${origin(url)}: ${err.cause?.code ?? err.message}`);
  }
  let text: string;
  try {
    text = await res.text();
  } catch (e) {
    throw new DeliveryError(`${origin(url)} broke off its reply: ${(e as Error).message}`);
  }
  if (res.status >= 200 && res.status < 300) return { status: res.status, text, contentType: res.headers.get('content-type') ?? '' };
  const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
  throw new DeliveryError(`${origin(url)} answered HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`, retryable);
}

const origin = (url: string) => {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
};

/** Parses a JSON reply, or says it was malformed (retryable: the back-end may have been mid-deploy). */
export function jsonReply(text: string, from: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new DeliveryError(`${from} sent a reply that is not JSON: ${text.slice(0, 100)}`);
  }
}

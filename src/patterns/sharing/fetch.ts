import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/** Bounds on fetching a feed: it is input from the internet (decision 0121). */
export interface FetchBounds {
  maxBytes: number;
  timeoutMs: number;
  maxRedirects: number;
  /** Loopback, private, link-local and other non-public addresses: refused unless true (tests, a private network). */
  allowPrivate: boolean;
}

export class FeedFetchError extends Error {}

// Addresses a feed on the public internet never has: asking for them is how a feed URL would reach inside the network.
const blocked = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 3],
] as const) blocked.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [['::', 127], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96], ['2001:db8::', 32]] as const) blocked.addSubnet(net, bits, 'ipv6');

/** True for an address a public feed cannot have (IPv4-mapped IPv6 is judged as the IPv4 address). */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return blocked.check(mapped[1], 'ipv4');
  const family = isIP(address);
  if (!family) return true;
  return blocked.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/**
 * GET a URL within bounds: http(s) only, at most `maxRedirects` redirects,
 * `timeoutMs` for the whole exchange, at most `maxBytes` of body, and every
 * address checked as it is connected to (so a name that resolves to a private
 * address, even on a redirect, is refused).
 */
export async function fetchBounded(url: string, bounds: FetchBounds): Promise<{ url: string; body: string }> {
  const deadline = Date.now() + bounds.timeoutMs;
  let current = url;
  for (let hop = 0; ; hop++) {
    const res = await getOnce(current, bounds, deadline);
    if (res.redirect) {
      if (hop >= bounds.maxRedirects) throw new FeedFetchError(`more than ${bounds.maxRedirects} redirects`);
      current = new URL(res.redirect, current).toString();
      continue;
    }
    return { url: current, body: res.body! };
  }
}

function getOnce(url: string, bounds: FetchBounds, deadline: number): Promise<{ redirect?: string; body?: string }> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return Promise.reject(new FeedFetchError(`${url} is not a URL`));
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return Promise.reject(new FeedFetchError(`${u.protocol} URLs are not fetched: use http or https`));
  if (u.username || u.password) return Promise.reject(new FeedFetchError('a feed URL may not carry a user name or password'));
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && !bounds.allowPrivate && isPrivateAddress(host)) {
    return Promise.reject(new FeedFetchError(`${host} is a loopback or private address (set PATTERN_FEEDS_ALLOW_PRIVATE=true to fetch from one)`));
  }
  const lookup = (hostname: string, options: object, cb: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) =>
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return cb(err, '');
      const list = addresses as LookupAddress[];
      const bad = !bounds.allowPrivate && list.find((a) => isPrivateAddress(a.address));
      if (bad) return cb(Object.assign(new FeedFetchError(`${hostname} resolves to ${bad.address}, a loopback or private address (set PATTERN_FEEDS_ALLOW_PRIVATE=true to fetch from one)`), { code: 'EPRIVATE' }), '');
      (options as { all?: boolean }).all ? cb(null, list) : cb(null, list[0].address, list[0].family);
    });
  const left = deadline - Date.now();
  if (left <= 0) return Promise.reject(new FeedFetchError(`no answer within ${bounds.timeoutMs} ms`));
  return new Promise((resolve, reject) => {
    const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(u, { method: 'GET', headers: { accept: 'application/json' }, lookup: lookup as never });
    const timer = setTimeout(() => req.destroy(new FeedFetchError(`no answer within ${bounds.timeoutMs} ms`)), left);
    const fail = (err: Error) => {
      clearTimeout(timer);
      reject(err instanceof FeedFetchError ? err : new FeedFetchError(err.message));
    };
    req.on('error', fail);
    req.on('response', (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        clearTimeout(timer);
        res.resume();
        return resolve({ redirect: res.headers.location });
      }
      if (status !== 200) {
        res.resume();
        return fail(new FeedFetchError(`the feed answered HTTP ${status}`));
      }
      const declared = Number(res.headers['content-length']);
      if (declared > bounds.maxBytes) {
        req.destroy();
        return fail(new FeedFetchError(`the feed is ${declared} bytes, more than PATTERN_FEEDS_MAX_BYTES (${bounds.maxBytes})`));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > bounds.maxBytes) {
          req.destroy();
          return fail(new FeedFetchError(`the feed is more than PATTERN_FEEDS_MAX_BYTES (${bounds.maxBytes}) bytes`));
        }
        chunks.push(c);
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', fail);
    });
    req.end();
  });
}

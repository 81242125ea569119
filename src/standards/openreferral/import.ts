import { readFile, stat } from 'node:fs/promises';
import type { DirectoryStore, SaveCounts } from '../../core/directory/port.ts';
import type { Fields } from '../../core/directory/records.ts';
import { flattenServices } from './flatten.ts';
import { problemsOf, type SchemaProblem } from './schemas.ts';
import { DEFAULT_LIMITS, FeedError, fetchJson, type FetchLimits } from './fetch-json.ts';

export interface ImportLimits extends FetchLimits {
  /** Most list pages read from a feed. */
  maxPages: number;
  /** Most services taken from one feed or file. */
  maxServices: number;
}

export const IMPORT_LIMITS: ImportLimits = { ...DEFAULT_LIMITS, maxPages: 1000, maxServices: 20_000 };

export interface ImportResult {
  problems: SchemaProblem[];
  /** Present when the services were saved (only when there was no problem). */
  saved?: SaveCounts;
}

const isObject = (v: unknown): v is Fields => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * Reads fully nested ORUK services from a feed (an ORUK API: its root, or its
 * `/services` list) or a file (an array of services, a list page, or one
 * service), checks every one against the ORUK schema and saves them all, or
 * none if any problem was found. Saving is an upsert by id, so running the
 * same import again changes nothing.
 */
export async function importDirectory(source: string, directory: DirectoryStore, limits: ImportLimits = IMPORT_LIMITS): Promise<ImportResult> {
  const { services, problems } = /^https?:\/\//i.test(source) ? await fromFeed(source, limits) : await fromFile(source, limits);
  const seen = new Map<string, number>();
  services.forEach((s, i) => {
    problems.push(...problemsOf('service', s.service, s.path));
    const id = isObject(s.service) ? String(s.service.id) : '';
    if (seen.has(id)) problems.push({ path: `${s.path}.id`, message: `repeats the id of ${services[seen.get(id)!].path}` });
    else seen.set(id, i);
  });
  if (problems.length) return { problems };
  return { problems, saved: await directory.save(flattenServices(services.map((s) => s.service as Fields))) };
}

type Found = { services: { path: string; service: unknown }[]; problems: SchemaProblem[] };

async function fromFile(file: string, limits: ImportLimits): Promise<Found> {
  let text: string;
  try {
    if ((await stat(file)).size > limits.maxBytes) return failed(file, `is larger than the ${limits.maxBytes} bytes accepted`);
    text = await readFile(file, 'utf8');
  } catch (e) {
    return failed(file, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return failed(file, `is not JSON (${(e as Error).message})`);
  }
  const list = Array.isArray(doc) ? { items: doc, at: '$' } : isObject(doc) && Array.isArray(doc.contents) ? { items: doc.contents, at: '$.contents' } : { items: [doc], at: '' };
  if (list.items.length > limits.maxServices) return failed(file, `has ${list.items.length} services, more than the ${limits.maxServices} accepted`);
  return { services: list.items.map((service, i) => ({ path: list.at ? `${list.at}[${i}]` : '$', service })), problems: [] };
}

/** An ORUK API: page through `/services`, then read each service in full from `/services/{id}`. */
async function fromFeed(url: string, limits: ImportLimits): Promise<Found> {
  try {
    const first = await fetchJson(url, limits);
    let servicesUrl = new URL(first.url);
    const page = first.json;
    if (isObject(page) && !Array.isArray(page.contents) && ('version' in page || 'openapi_url' in page)) {
      servicesUrl = new URL('services', first.url.endsWith('/') ? first.url : `${first.url}/`);
    }
    if (Array.isArray(page)) return { services: page.map((service, i) => ({ path: `${first.url} $[${i}]`, service })), problems: [] };
    const base = new URL(servicesUrl.pathname.replace(/\/?$/, '/'), servicesUrl);
    const ids: string[] = [];
    for (let n = 1; n <= limits.maxPages; n++) {
      const pageUrl = new URL(servicesUrl);
      pageUrl.searchParams.set('page', String(n));
      pageUrl.searchParams.set('per_page', pageUrl.searchParams.get('per_page') ?? '100');
      const body = (await fetchJson(pageUrl.toString(), limits)).json;
      if (!isObject(body) || !Array.isArray(body.contents)) return failed(pageUrl.toString(), 'is not an ORUK list page (no `contents` array)');
      for (const item of body.contents) if (isObject(item) && typeof item.id === 'string') ids.push(item.id);
      if (ids.length > limits.maxServices) return failed(url, `lists more than the ${limits.maxServices} services accepted`);
      if (body.last_page === true || !body.contents.length || (typeof body.total_pages === 'number' && n >= body.total_pages)) break;
      if (n === limits.maxPages) return failed(url, `has more than the ${limits.maxPages} pages accepted`);
    }
    const services = [];
    for (const id of ids) {
      const one = new URL(encodeURIComponent(id), base).toString();
      services.push({ path: `${one} $`, service: (await fetchJson(one, limits)).json });
    }
    return { services, problems: [] };
  } catch (e) {
    if (e instanceof FeedError) return { services: [], problems: [{ path: url, message: e.message }] };
    throw e;
  }
}

const failed = (where: string, message: string): Found => ({ services: [], problems: [{ path: where, message }] });

import { CheckFailed, CheckSkipped, type Exchange } from '../check.ts';
import { Client } from '../client.ts';
import { problemsOf, type Shape } from '../../standards/openreferral/schemas.ts';

type Doc = Record<string, any>;

/** One Open Referral UK endpoint under test, with what several checks share read once. */
export class OrukTarget {
  readonly base: string;
  private memo = new Map<string, Promise<unknown>>();

  constructor(
    base: string,
    readonly client = new Client(),
  ) {
    this.base = base.replace(/\/+$/, '');
  }

  get = (path: string, params: [string, string][] = [], headers: Record<string, string> = {}) => {
    const q = new URLSearchParams(params).toString();
    return this.client.call('GET', `${this.base}${path}${q ? `?${q}` : ''}`, { headers: { accept: 'application/json', ...headers } });
  };

  once<T>(key: string, make: () => Promise<T>): Promise<T> {
    let p = this.memo.get(key) as Promise<T> | undefined;
    if (!p) this.memo.set(key, (p = make()));
    return p;
  }

  /** A list's first page, checked as a page: envelope and every item against its schema. */
  page(path: string, item: Shape, params: [string, string][] = []): Promise<{ body: Doc; ex: Exchange }> {
    return this.once(`page ${path} ${JSON.stringify(params)}`, async () => {
      const ex = await this.get(path, params);
      const body = json(ex, 200);
      valid('page', body, ex, `the page envelope of ${path}`);
      (body.contents as unknown[]).forEach((c, i) => valid(item, c, ex, `contents[${i}] of ${path}`, `$.contents[${i}]`));
      return { body, ex };
    });
  }

  /** The first listed record of a list, or a skip when the list is empty. */
  async first(path: string, item: Shape): Promise<Doc> {
    const { body } = await this.page(path, item);
    if (!body.contents.length) throw new CheckSkipped(`${path} lists nothing to look at`);
    return body.contents[0];
  }

  /** The first service in full. */
  sampleService(): Promise<{ body: Doc; ex: Exchange }> {
    return this.once('sample service', async () => {
      const first = await this.first('/services', 'service_list');
      const ex = await this.get(`/services/${encodeURIComponent(first.id)}`);
      const body = json(ex, 200);
      valid('service', body, ex, `/services/${first.id}`);
      if (body.id !== first.id) throw new CheckFailed(`/services/${first.id} answered with the service ${body.id}`, ex);
      return { body, ex };
    });
  }
}

/** The JSON body, with the status expected; fails plainly otherwise. */
export function json(ex: Exchange, status: number): any {
  if (ex.status !== status) throw new CheckFailed(`expected HTTP ${status}, got ${ex.status}`, ex);
  if (!/json/i.test(ex.contentType)) throw new CheckFailed(`expected a JSON content type, got "${ex.contentType || 'none'}"`, ex);
  try {
    return JSON.parse(ex.body);
  } catch (e) {
    throw new CheckFailed(`the body is not JSON (${(e as Error).message})`, ex);
  }
}

/** Fails with every schema problem (by JSON path) when `value` is not a valid ORUK `shape`. */
export function valid(shape: Shape, value: unknown, ex: Exchange, what: string, at = '$') {
  const problems = problemsOf(shape, value, at);
  if (problems.length) {
    const listed = problems.slice(0, 8).map((p) => `${p.path} ${p.message}`).join('; ');
    throw new CheckFailed(`${what} does not match the ORUK ${shape} schema: ${listed}${problems.length > 8 ? ` (and ${problems.length - 8} more)` : ''}`, ex);
  }
}

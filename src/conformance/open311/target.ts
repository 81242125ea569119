import { XMLParser } from 'fast-xml-parser';
import { CheckFailed, CheckSkipped, type Exchange } from '../check.ts';
import { Client, shorten } from '../client.ts';

export interface Open311Options {
  apiKey?: string;
  jurisdiction?: string;
  /** Where test reports are placed: inside the council's area. */
  lat: number;
  long: number;
  level: number;
  /** Wait between token polls, in ms (FixMyStreet: 2 s). */
  tokenPollMs?: number;
}

type Doc = Record<string, any>;

// Read XML the way FixMyStreet does: these elements are always lists, the root's name is not relied on, values stay text.
const FORCE_ARRAY = new Set(['service', 'attribute', 'value', 'request', 'error', 'request_update', 'group', 'endpoint', 'format']);
const xml = new XMLParser({ processEntities: false, ignoreDeclaration: true, parseTagValue: false, ignoreAttributes: true, isArray: (name) => FORCE_ARRAY.has(name) });

/**
 * One GeoReport v2 endpoint under test: builds its URLs (the base with a
 * trailing slash, the path appended, `jurisdiction_id` on every call, as
 * FixMyStreet does), keeps what several checks share, and says plainly what
 * a response should have been.
 */
export class Open311Target {
  readonly base: string;
  private memo = new Map<string, Promise<unknown>>();

  constructor(
    base: string,
    readonly options: Open311Options,
    readonly client = new Client(),
  ) {
    this.base = base.endsWith('/') ? base : `${base}/`;
  }

  url(path: string, params: [string, string][] = []): string {
    const q = new URLSearchParams(this.options.jurisdiction ? [['jurisdiction_id', this.options.jurisdiction], ...params] : params).toString();
    return `${this.base}${path}${q ? `?${q}` : ''}`;
  }

  get = (path: string, params: [string, string][] = []) => this.client.call('GET', this.url(path, params));

  /** A form POST; `api_key` and `jurisdiction_id` go in the body, as FixMyStreet sends them. */
  post(path: string, pairs: [string, string][], { withKey = true } = {}): Promise<Exchange> {
    const all: [string, string][] = [...(this.options.jurisdiction ? [['jurisdiction_id', this.options.jurisdiction] as [string, string]] : []), ...(withKey && this.options.apiKey ? [['api_key', this.options.apiKey] as [string, string]] : []), ...pairs];
    return this.client.call('POST', `${this.base}${path}`, { body: new URLSearchParams(all).toString() });
  }

  once<T>(key: string, make: () => Promise<T>): Promise<T> {
    let p = this.memo.get(key) as Promise<T> | undefined;
    if (!p) {
      p = make();
      this.memo.set(key, p);
    }
    return p;
  }

  needKey(): string {
    if (!this.options.apiKey) throw new CheckFailed('this check sends a report, so it needs an API key: give one with --api-key');
    return this.options.apiKey;
  }

  /** The service list, read once (XML: the format every client can rely on). */
  services(): Promise<Doc[]> {
    return this.once('services', async () => {
      const ex = await this.get('services.xml');
      expectStatus(ex, 200, 'GET Service List');
      return list(xmlOf(ex), 'service');
    });
  }

  /** A service to send reports to: realtime if there is one, and with attributes if possible, with its definition. */
  reportable(): Promise<{ service: Doc; attributes: Doc[] }> {
    return this.once('reportable', async () => {
      const services = await this.services();
      const candidates = services.filter((s) => s.type === 'realtime' && !/(^|,)\s*(private|staff|inactive)\s*(,|$)/.test(String(s.keywords ?? '')));
      const service = candidates.find((s) => s.metadata === 'true') ?? candidates[0] ?? services[0];
      if (!service) throw new CheckFailed('the service list is empty, so no report can be sent');
      if (service.metadata !== 'true') return { service, attributes: [] };
      const ex = await this.get(`services/${encodeURIComponent(service.service_code)}.xml`);
      expectStatus(ex, 200, 'GET Service Definition');
      return { service, attributes: list(xmlOf(ex).attributes ?? {}, 'attribute') };
    });
  }

  /** The fields of a valid report to the reportable service: required attributes answered from the definition. */
  async reportFields(description = 'Pipework conformance check: a test report, safe to close.'): Promise<[string, string][]> {
    const { service, attributes } = await this.reportable();
    const pairs: [string, string][] = [
      ['service_code', service.service_code],
      ['lat', this.options.lat.toFixed(6)],
      ['long', this.options.long.toFixed(6)],
      ['description', description],
      ['email', 'conformance@example.invalid'],
      ['first_name', 'Conformance'],
      ['last_name', 'Check'],
    ];
    for (const a of attributes) {
      if (a.variable === 'false' || a.required !== 'true' || a.automated === 'server_set') continue;
      const values = list(a.values ?? {}, 'value');
      const answer = values.length ? String(values[0].key) : a.datatype === 'number' ? '1' : a.datatype === 'datetime' ? new Date().toISOString().slice(0, 16) : 'conformance check';
      pairs.push([`attribute[${a.code}]`, answer]);
    }
    return pairs;
  }

  /** One report this run created (level 3 and above), by id. */
  created(): Promise<{ id: string; sent: [string, string][]; exchange: Exchange }> {
    return this.once('created', async () => {
      this.needKey();
      const sent = await this.reportFields();
      const ex = await this.post('requests.json', sent);
      expectStatus(ex, 200, 'POST Service Request — Response');
      const first = jsonOf(ex)?.[0];
      const id = first?.service_request_id ?? (first?.token ? await this.idFromToken(String(first.token)) : undefined);
      if (id === undefined || id === null || id === '') throw new CheckFailed('the answer to a valid POST carries neither service_request_id nor token', ex);
      return { id: String(id), sent, exchange: ex };
    });
  }

  /** A batch service answers with a token; the id follows (polled as FixMyStreet does, a few times, 2 s apart). */
  async idFromToken(token: string): Promise<string> {
    let last: Exchange | undefined;
    for (let i = 0; i < 3; i++) {
      last = await this.get(`tokens/${encodeURIComponent(token)}.json`);
      const id = last.status === 200 ? jsonOf(last)?.[0]?.service_request_id : undefined;
      if (id) return String(id);
      await new Promise((r) => setTimeout(r, this.options.tokenPollMs ?? 2000));
    }
    throw new CheckFailed(`token ${token} never gave a service_request_id`, last);
  }

  /** Some existing request, to read back: the newest listed, else (level 3+) one this run creates. */
  sample(): Promise<Doc> {
    return this.once('sample', async () => {
      const ex = await this.get('requests.json');
      expectStatus(ex, 200, 'GET Service Requests');
      const found = (jsonOf(ex) as Doc[])[0];
      if (found) return found;
      if (this.options.level >= 3 && this.options.apiKey) {
        const { id } = await this.created();
        const one = await this.get(`requests/${encodeURIComponent(id)}.json`);
        expectStatus(one, 200, 'GET Service Request');
        const made = jsonOf(one)?.[0];
        if (!made?.service_request_id) throw new CheckFailed(`request ${id}, just created, cannot be read back`, one);
        return made;
      }
      throw new CheckSkipped('the endpoint lists no requests to read back (run level 3 with --api-key to create one)');
    });
  }
}

export function expectStatus(ex: Exchange, status: number, clause: string) {
  if (ex.status !== status) throw new CheckFailed(`expected HTTP ${status} (${clause}), got ${ex.status}`, ex);
}

/** The parsed XML document, its root unwrapped; fails when the body is not XML. */
export function xmlOf(ex: Exchange): Doc {
  if (!/xml/i.test(ex.contentType)) throw new CheckFailed(`expected an XML content type, got "${ex.contentType || 'none'}"`, ex);
  let doc: Doc;
  try {
    doc = xml.parse(ex.body, true);
  } catch (e) {
    throw new CheckFailed(`the body is not well-formed XML (${(e as Error).message.split('\n')[0]})`, ex);
  }
  const roots = Object.keys(doc).filter((k) => !k.startsWith('?'));
  if (roots.length !== 1) throw new CheckFailed('the XML body has no single root element', ex);
  const root = doc[roots[0]];
  return root && typeof root === 'object' ? root : {};
}

export function jsonOf(ex: Exchange): any {
  if (!/json/i.test(ex.contentType)) throw new CheckFailed(`expected a JSON content type, got "${ex.contentType || 'none'}"`, ex);
  try {
    return JSON.parse(ex.body);
  } catch (e) {
    throw new CheckFailed(`the body is not JSON (${(e as Error).message})`, ex);
  }
}

/** `<root><item/>…</root>` as a list (empty when the root is empty). */
export const list = (root: Doc | string, item: string): Doc[] => (root && typeof root === 'object' && Array.isArray(root[item]) ? root[item] : []);

/** An error answer in the format the path asked for: `<errors><error><code/><description/></error></errors>` or `[{code, description}]`. */
export function expectErrors(ex: Exchange, status: number, format: 'xml' | 'json', clause: string) {
  expectStatus(ex, status, clause);
  if (format === 'xml') {
    const errors = list(xmlOf(ex), 'error');
    if (!errors.length || errors.some((e) => !e.code || !e.description)) throw new CheckFailed('expected <errors><error><code/><description/></error></errors> (Errors)', ex);
  } else {
    const errors = jsonOf(ex);
    if (!Array.isArray(errors) || !errors.length || errors.some((e) => e?.code === undefined || typeof e?.description !== 'string')) throw new CheckFailed('expected a JSON array of {"code", "description"} (Errors)', ex);
  }
}

export const W3C_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
export { shorten };

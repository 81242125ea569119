import { CheckFailed, CheckSkipped, runChecks, type Check, type Report } from '../check.ts';
import { ATTRIBUTES } from './recorder.ts';
import type { Recorded } from './recorder.ts';

export interface GradeContext {
  calls: Recorded[];
  apiKey?: string;
  jurisdiction?: string;
}

type C = Check<GradeContext>;
const W3C = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const posts = (g: GradeContext) => g.calls.filter((c) => c.method === 'POST' && /\/requests\.(xml|json)$/.test(c.path));
const all = (r: Recorded, name: string) => [...r.fields, ...r.query.entries()].filter(([k]) => k === name).map(([, v]) => v);
const one = (r: Recorded, name: string) => all(r, name)[0];

/** Every report the client sent must pass `test`; the first that does not is the failure. */
function eachPost(g: GradeContext, test: (r: Recorded) => string | undefined) {
  const sent = posts(g);
  if (!sent.length) throw new CheckSkipped('the client sent no report');
  for (const r of sent) {
    const wrong = test(r);
    if (wrong) throw new CheckFailed(wrong, r.exchange);
  }
}

export const CLIENT_CHECKS: C[] = [
  {
    id: 'C.service_list',
    level: 1,
    title: 'The client reads the service list',
    clause: 'GET Service List: services.xml (or .json when discovery says so)',
    async run(g) {
      if (!g.calls.some((c) => c.method === 'GET' && /\/services\.(xml|json)$/.test(c.path))) throw new CheckFailed(`the client never asked for services.xml (it made ${g.calls.length} calls)`, g.calls[0]?.exchange);
    },
  },
  {
    id: 'C.definition',
    level: 1,
    title: 'The client reads the service definition before reporting to a service with metadata',
    clause: 'GET Service Definition: "only necessary if the Service selected has metadata set as true" — and then it is necessary',
    async run(g) {
      const first = posts(g)[0];
      if (!first) throw new CheckSkipped('the client sent no report');
      if (!g.calls.some((c) => c.method === 'GET' && /\/services\/pothole\.(xml|json)$/.test(c.path) && c.at <= first.at)) throw new CheckFailed('the client reported to pothole (metadata=true) without reading services/pothole.xml first', first.exchange);
    },
  },
  {
    id: 'C.post.encoding',
    level: 1,
    title: 'Reports are sent as a form',
    clause: 'POST Service Request: form-encoded fields (multipart when files are attached)',
    async run(g) {
      eachPost(g, (r) => (/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(r.contentType) ? undefined : `the report was sent as "${r.contentType || 'no content type'}", not as a form`));
    },
  },
  {
    id: 'C.post.api_key',
    level: 1,
    title: 'Reports carry the API key',
    clause: 'POST Service Request — Required Arguments: api_key',
    async run(g) {
      eachPost(g, (r) => {
        const key = one(r, 'api_key');
        if (!key) return 'the report has no api_key';
        if (g.apiKey && key !== g.apiKey) return `the report's api_key is not the one configured (${g.apiKey.slice(0, 4)}…)`;
        return undefined;
      });
    },
  },
  {
    id: 'C.jurisdiction',
    level: 1,
    title: 'Every call names the jurisdiction',
    clause: 'jurisdiction_id: "required if the endpoint serves multiple jurisdictions"',
    async run(g) {
      if (!g.jurisdiction) throw new CheckSkipped('no --jurisdiction was given to expect');
      const missing = g.calls.find((c) => one(c, 'jurisdiction_id') !== g.jurisdiction);
      if (missing) throw new CheckFailed(`${missing.method} ${missing.path} does not carry jurisdiction_id=${g.jurisdiction}`, missing.exchange);
    },
  },
  {
    id: 'C.post.service_code',
    level: 1,
    title: 'Reports name a service the list offers',
    clause: 'POST Service Request — Required Arguments: service_code (from GET Service List)',
    async run(g) {
      eachPost(g, (r) => (one(r, 'service_code') === 'pothole' ? undefined : `service_code is ${JSON.stringify(one(r, 'service_code') ?? null)}, not a code the service list offered`));
    },
  },
  {
    id: 'C.post.location',
    level: 1,
    title: 'Reports have a location',
    clause: 'POST Service Request — Required Arguments: lat & long (WGS84), or address_string, or address_id',
    async run(g) {
      eachPost(g, (r) => {
        const lat = one(r, 'lat');
        const long = one(r, 'long');
        if (lat !== undefined || long !== undefined) {
          const [a, b] = [Number(lat), Number(long)];
          if (!Number.isFinite(a) || !Number.isFinite(b) || Math.abs(a) > 90 || Math.abs(b) > 180) return `lat=${lat} long=${long} is not a WGS84 point`;
          return undefined;
        }
        return one(r, 'address_string') || one(r, 'address_id') ? undefined : 'the report has no lat/long, address_string or address_id';
      });
    },
  },
  {
    id: 'C.post.attributes',
    level: 1,
    title: 'Required attributes are answered, with keys the definition lists',
    clause: 'GET Service Definition — attributes: required, values (key); POST Service Request: attribute[code]',
    async run(g) {
      eachPost(g, (r) => {
        for (const a of ATTRIBUTES) {
          const given = [...all(r, `attribute[${a.code}]`), ...all(r, `attribute[${a.code}][]`)];
          if (a.required === 'true' && !given.length) return `required attribute[${a.code}] is missing`;
          if (a.values && given.some((v) => !a.values!.some((x) => x.key === v))) return `attribute[${a.code}] is ${JSON.stringify(given)}: not among the keys ${a.values.map((x) => x.key).join(', ')}`;
        }
        return undefined;
      });
    },
  },
  {
    id: 'C.dates',
    level: 1,
    title: 'Dates the client sends are in w3 format',
    clause: 'Date/time format: w3 format, e.g. 2010-01-01T00:00:00Z (start_date, end_date, updated_datetime)',
    async run(g) {
      const dated = g.calls.filter((c) => ['start_date', 'end_date', 'updated_datetime'].some((n) => one(c, n) !== undefined));
      if (!dated.length) throw new CheckSkipped('the client sent no dates');
      for (const c of dated) {
        for (const n of ['start_date', 'end_date', 'updated_datetime']) {
          const v = one(c, n);
          if (v !== undefined && !W3C.test(v)) throw new CheckFailed(`${n}=${v} is not in w3 format`, c.exchange);
        }
        const [s, e] = [one(c, 'start_date'), one(c, 'end_date')];
        if (s && e && Date.parse(s) > Date.parse(e)) throw new CheckFailed(`start_date ${s} is after end_date ${e}`, c.exchange);
      }
    },
  },
];

/** Grades the calls a client made to the recorder. */
export const gradeClient = (target: string, g: GradeContext): Promise<Report> => runChecks('Open311 client', target, 1, CLIENT_CHECKS, g);

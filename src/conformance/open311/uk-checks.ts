import { CheckFailed, CheckSkipped, type Check, type Exchange } from '../check.ts';
import { W3C_DATETIME, expectErrors, expectStatus, jsonOf, list, xmlOf, type Open311Target } from './target.ts';

type C = Check<Open311Target>;
const EXTENDED = 'MYSOCIETY-EXTENSIONS.md';
/** The statuses FixMyStreet can read (Extended statuses); `unchanged` only on updates. */
const READABLE = ['open', 'closed', 'fixed', 'in_progress', 'planned', 'action_scheduled', 'investigating', 'duplicate', 'not_councils_responsibility', 'no_further_action', 'internal_referral', 'cancelled', 'for_triage'];
const fail = (message: string, ex?: Exchange): never => {
  throw new CheckFailed(message, ex);
};
const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

/** POST a report and expect it taken (an id or a token). */
async function accepted(t: Open311Target, pairs: [string, string][], why: string): Promise<{ id?: string; ex: Exchange }> {
  t.needKey();
  const ex = await t.post('requests.xml', pairs);
  if (ex.status !== 200) fail(`${why}: the report was refused (HTTP ${ex.status})`, ex);
  const r = list(xmlOf(ex), 'request')[0];
  if (!r?.service_request_id && !r?.token) fail(`${why}: the answer has neither service_request_id nor token`, ex);
  return { id: r.service_request_id ? String(r.service_request_id) : r.token ? await t.idFromToken(String(r.token)) : undefined, ex };
}

export const ukChecks: C[] = [
  {
    id: 'L4.keywords',
    level: 4,
    title: 'Keywords are written without spaces after commas',
    clause: `${EXTENDED} — Service list additions: keywords are split on "," without trimming, so "needles, private" misses the flag`,
    async run(t) {
      const ex = await t.get('services.xml');
      expectStatus(ex, 200, 'GET Service List');
      for (const s of list(xmlOf(ex), 'service')) {
        const keywords = String(s.keywords ?? '');
        if (keywords && keywords.split(',').some((k) => k !== k.trim())) fail(`service ${s.service_code}: keywords "${keywords}" have spaces around a comma`, ex);
      }
    },
  },
  {
    id: 'L4.attributes.repeated',
    level: 4,
    title: 'Multi-value attributes sent as repeated keys are accepted',
    clause: `${EXTENDED} — Creating a request: multi-value attributes as repeated keys (attribute[x]=a&attribute[x]=b)`,
    async run(t) {
      const { attributes } = await t.reportable();
      const fields = await t.reportFields();
      const multi = attributes.find((a) => a.datatype === 'multivaluelist' && list(a.values ?? {}, 'value').length >= 2);
      if (multi) {
        const [a, b] = list(multi.values, 'value').map((v) => String(v.key));
        const rest = fields.filter(([k]) => k !== `attribute[${multi.code}]`);
        await accepted(t, [...rest, [`attribute[${multi.code}]`, a], [`attribute[${multi.code}]`, b]], `attribute[${multi.code}] given twice`);
      } else {
        await accepted(t, [...fields, ['attribute[pipework_check]', 'a'], ['attribute[pipework_check]', 'b']], 'an attribute given twice');
      }
    },
  },
  {
    id: 'L4.attributes.unlisted',
    level: 4,
    title: 'Attributes the definition does not list are passed through, not refused',
    clause: `${EXTENDED} — Creating a request: accept attributes the service definition does not list (attribute[uprn], attribute[fixmystreet_id])`,
    async run(t) {
      await accepted(t, [...(await t.reportFields()), ['attribute[uprn]', '100023336956'], ['attribute[fixmystreet_id]', '4242']], 'attribute[uprn] and attribute[fixmystreet_id]');
    },
  },
  {
    id: 'L4.crlf',
    level: 4,
    title: 'A description with CRLF newlines is accepted and normalised',
    clause: `${EXTENDED} — Creating a request: newlines as CRLF (normalise them)`,
    async run(t) {
      const fields = (await t.reportFields()).filter(([k]) => k !== 'description');
      const description = 'title: Pipework check\r\n\r\ndetail: two lines\r\nof detail\r\n\r\nSubmitted via FixMyStreet\r\n';
      const { id } = await accepted(t, [...fields, ['description', description]], 'a description with CRLF');
      const ex = await t.get(`requests/${encodeURIComponent(id!)}.json`);
      expectStatus(ex, 200, 'GET Service Request');
      const got = String(jsonOf(ex)?.[0]?.description ?? '');
      if (got.includes('\r')) fail('the description came back with CR characters: newlines were not normalised', ex);
      if (!got.includes('detail: two lines\nof detail')) fail(`the description came back as ${JSON.stringify(got)}, not the lines sent`, ex);
    },
  },
  {
    id: 'L4.statuses',
    level: 4,
    title: 'Every status on the wire is one FixMyStreet can read',
    clause: `${EXTENDED} — Extended statuses: open, closed, fixed, in_progress, … for_triage (and unchanged on updates), lower case`,
    async run(t) {
      const requests = await t.get('requests.xml');
      expectStatus(requests, 200, 'GET Service Requests');
      for (const r of list(xmlOf(requests), 'request')) if (!READABLE.includes(r.status)) fail(`request ${r.service_request_id} has status ${JSON.stringify(r.status)}, which FixMyStreet cannot read`, requests);
      const now = Date.now();
      const updates = await t.get('servicerequestupdates.xml', [['api_key', t.options.apiKey ?? ''], ['start_date', isoSeconds(now - 30 * 86_400_000)], ['end_date', isoSeconds(now + 60_000)]]);
      expectStatus(updates, 200, 'GET servicerequestupdates');
      for (const u of list(xmlOf(updates), 'request_update')) if (![...READABLE, 'unchanged'].includes(u.status)) fail(`update ${u.update_id} has status ${JSON.stringify(u.status)}, which FixMyStreet cannot read`, updates);
    },
  },
  {
    id: 'L4.reopen',
    level: 4,
    title: 'A reopened report is told to the client as open, never reopen',
    clause: `${EXTENDED} — Extended statuses: "reopen is not one of them: a case reopened on the server must be told to this client as open"`,
    async run(t) {
      const { id } = await t.created();
      const started = Date.now() - 1000;
      const posted = await t.post('servicerequestupdates.xml', [
        ['service_request_id', id],
        ['update_id', `pipework-check-${Date.now()}`],
        ['status', 'REOPEN'],
        ['updated_datetime', isoSeconds(Date.now())],
        ['description', 'Pipework conformance check: asking to reopen'],
        ['first_name', 'Conformance'],
        ['last_name', 'Check'],
        ['email', 'conformance@example.invalid'],
      ]);
      if (posted.status !== 200) fail(`POST servicerequestupdates with status REOPEN was refused (HTTP ${posted.status})`, posted);
      const one = await t.get(`requests/${encodeURIComponent(id)}.xml`);
      expectStatus(one, 200, 'GET Service Request');
      const r = list(xmlOf(one), 'request')[0];
      if (/reopen/i.test(String(r?.status))) fail('the request is shown with status reopen', one);
      const updates = await t.get('servicerequestupdates.xml', [['api_key', t.options.apiKey ?? ''], ['start_date', isoSeconds(started)], ['end_date', isoSeconds(Date.now() + 60_000)]]);
      expectStatus(updates, 200, 'GET servicerequestupdates');
      const bad = list(xmlOf(updates), 'request_update').find((u) => /reopen/i.test(String(u.status)));
      if (bad) fail(`update ${bad.update_id} has status ${bad.status}`, updates);
    },
  },
  {
    id: 'L4.long_id_list',
    level: 4,
    title: 'A list of 2,000 ids in one GET returns every listed request that exists',
    clause: `${EXTENDED} — Asking for many requests at once: every listed request, however many, and the URL can be tens of kilobytes`,
    async run(t) {
      const { id } = await t.created();
      const ids = Array.from({ length: 1999 }, (_, i) => String(900_000_000 + i));
      const ex = await t.get('requests.xml', [['service_request_id', [...ids, id].join(',')]]);
      expectStatus(ex, 200, 'GET Service Requests with service_request_id');
      const found = list(xmlOf(ex), 'request').map((r) => String(r.service_request_id));
      if (!found.includes(id)) fail(`request ${id}, last of the 2,000 ids, is missing from the answer`, ex);
    },
  },
  {
    id: 'L4.long_url_errors',
    level: 4,
    title: 'An error for a very long URL still comes back in the format the path asked for',
    clause: `${EXTENDED} — Asking for many requests at once: "Any error, including one for a URL that is too long, must come back in the format the path asked for"`,
    async run(t) {
      const ids = Array.from({ length: 12_000 }, (_, i) => String(800_000_000 + i)).join(',');
      const ex = await t.get('requests.xml', [['service_request_id', ids]]);
      if (ex.status === 200) {
        xmlOf(ex);
        return;
      }
      expectErrors(ex, ex.status, 'xml', 'Errors, in the format of the path');
    },
  },
  {
    id: 'L4.updates.window',
    level: 4,
    title: 'Updates come with the fields FixMyStreet needs, inside the window asked for',
    clause: `${EXTENDED} — GET servicerequestupdates: update_id, service_request_id, status, updated_datetime, description, media_url; timestamps inside start_date…end_date`,
    async run(t) {
      const now = Date.now();
      const start = isoSeconds(now - 7 * 86_400_000);
      const end = isoSeconds(now + 60_000);
      const ex = await t.get('servicerequestupdates.xml', [['api_key', t.options.apiKey ?? ''], ['start_date', start], ['end_date', end]]);
      expectStatus(ex, 200, 'GET servicerequestupdates');
      const updates = list(xmlOf(ex), 'request_update');
      if (!updates.length) throw new CheckSkipped('the endpoint has no updates from the council in the last 7 days to look at');
      const seen = new Set<string>();
      for (const u of updates) {
        for (const field of ['update_id', 'service_request_id', 'status', 'updated_datetime', 'description', 'media_url']) {
          if (!(field in u)) fail(`update ${u.update_id ?? '(no id)'} has no <${field}>`, ex);
        }
        if (seen.has(String(u.update_id))) fail(`update_id ${u.update_id} appears twice`, ex);
        seen.add(String(u.update_id));
        if (!W3C_DATETIME.test(String(u.updated_datetime))) fail(`update ${u.update_id}: updated_datetime ${u.updated_datetime} is not in w3 format`, ex);
        const at = Date.parse(String(u.updated_datetime));
        if (at < Date.parse(start) || at > Date.parse(end)) fail(`update ${u.update_id} (${u.updated_datetime}) is outside ${start} … ${end}`, ex);
      }
    },
  },
  {
    id: 'L4.errors.format',
    level: 4,
    title: 'Errors always come in the format the path asked for',
    clause: `${EXTENDED} — Transport: error bodies are read as <errors><error><code/><description/></error></errors>`,
    async run(t) {
      expectErrors(await t.get('servicerequestupdates.xml', [['start_date', 'yesterday']]), 400, 'xml', 'Errors');
      expectErrors(await t.get('servicerequestupdates.json', [['start_date', 'yesterday']]), 400, 'json', 'Errors');
      const ex = await t.post('servicerequestupdates.xml', [['service_request_id', 'pipework-check-no-such-request']]);
      if (ex.status < 400 || ex.status >= 500) fail(`an update without status, update_id or description was answered ${ex.status}, not a 4xx error`, ex);
      expectErrors(ex, ex.status, 'xml', 'Errors');
    },
  },
];

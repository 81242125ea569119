import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoApp, form, FORM } from './support/app.ts';
import { createApiKey } from '../src/core/access/api-keys.ts';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { hostileRequest, prng } from './support/hostile.ts';

// "Nothing answers 500 on client input": every route the app has, with every
// method, with malformed bodies of every content type, with and without an
// admin key. Any 5xx fails, naming the call.

const BODIES = ['', '{', '{"a":1}', 'a=%zz&b[]=1&b=2', '<x>', JSON.stringify({ name: 123, kind: [], config: 'x', status: 5 }), 'x'.repeat(5000)];
const TYPES = ['application/json', 'application/x-www-form-urlencoded', 'text/xml', 'text/plain', 'application/yaml'];
// Real values for path parameters, so calls reach the handlers and not only the 404s.
const PARAMS: Record<string, string> = { jurisdiction: 'example', service: 'pothole', id: '1', name: 'builtin', version: '1.0.0', file: 'pothole.xml', code: 'depth' };

/** Every route path, from Fastify's route tree. */
function routePaths(tree: string): string[] {
  const stack: string[] = [];
  const paths: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([\s│├└─]*)(.*?) \(/.exec(line);
    if (!m) continue;
    const depth = Math.round(m[1].length / 4) - 1;
    const parent = depth > 0 ? stack[depth - 1] : '';
    stack[depth] = parent === '/' ? `/${m[2]}` : parent + m[2];
    paths.push(stack[depth]);
  }
  return paths;
}

test('no route answers 5xx to malformed input', async () => {
  const env = await demoApp();
  try {
    const { key: admin } = await createApiKey(env.store, 'ops', 'admin');
    const made = await env.app.inject({
      method: 'POST',
      url: '/open311/v2/requests.json',
      headers: FORM,
      payload: form([['api_key', env.key], ['service_code', 'pothole'], ['lat', '51.5'], ['long', '-0.1'], ['attribute[depth]', 'deep']]),
    });
    assert.equal(made.statusCode, 200, made.body);
    const paths = routePaths(env.app.printRoutes({ commonPrefix: false }));
    assert.ok(paths.length > 40, `found ${paths.length} routes`);
    const failures: string[] = [];
    for (const path of paths) {
      const url = path.replace(/:(\w+)/g, (_, k: string) => PARAMS[k] ?? 'zz').replace(/\*/g, 'zz');
      for (const method of ['GET', 'POST', 'PUT', 'DELETE'] as const) {
        for (const payload of method === 'GET' ? [undefined] : BODIES) {
          for (const type of method === 'GET' ? ['text/plain'] : TYPES) {
            for (const auth of [{}, { authorization: `Bearer ${admin}` }]) {
              const res = await env.app.inject({ method, url, headers: { 'content-type': type, ...auth }, payload });
              if (res.statusCode >= 500) failures.push(`${method} ${url} (${type}, ${JSON.stringify(payload?.slice(0, 20))}) → ${res.statusCode}`);
            }
          }
        }
      }
    }
    assert.deepEqual(failures, []);
  } finally {
    await env.close();
  }
});

// The Open311 edge under hostile input: the inputs that once answered 500, then a seeded
// generator of thousands more. Every answer is below 500; every Open311 error is the spec's
// list in the format the path asked for; every XML answer parses; HEAD answers are empty.

const XML = new XMLParser({ isArray: (name) => name === 'error', parseTagValue: false });

/** What is wrong with an Open311 answer, or undefined when it is right. */
function open311Problem(req: { method: string; url: string }, res: { statusCode: number; headers: Record<string, unknown>; body: string }): string | undefined {
  if (res.statusCode >= 500) return `answered ${res.statusCode}`;
  // Trailing slashes are ignored by the router, so `requests.json/` asked for JSON too.
  const path = req.url.split('?')[0].replace(/\/+$/, '');
  if (!path.startsWith('/open311/v2/')) return undefined;
  if (req.method === 'HEAD') return res.body === '' ? undefined : 'a HEAD answer carries a body';
  const type = String(res.headers['content-type'] ?? '');
  const json = /\.json$/i.test(path);
  if (type !== (json ? 'application/json; charset=utf-8' : 'text/xml; charset=utf-8')) return `content-type ${type} on ${json ? '.json' : 'a non-.json path'}`;
  if (!json) {
    const valid = XMLValidator.validate(res.body);
    if (valid !== true) return `XML does not parse: ${valid.err.msg}`;
  }
  if (res.statusCode < 400) return undefined;
  const errors = json ? (JSON.parse(res.body) as unknown) : (XML.parse(res.body) as { errors?: { error?: unknown } }).errors?.error;
  if (!Array.isArray(errors) || !errors.length) return `error body is not the spec's error list: ${res.body.slice(0, 120)}`;
  for (const e of errors as { code: unknown; description: unknown }[]) {
    if (String(e.code) !== String(res.statusCode)) return `error code ${e.code} on a ${res.statusCode}`;
    if (typeof e.description !== 'string' || !e.description) return 'an error without a description';
  }
  return undefined;
}

test('inputs that once answered 500 now answer 400 in the spec shape', async () => {
  const env = await demoApp();
  try {
    const k = env.key;
    const base = `api_key=${k}&service_code=pothole&lat=51.5&long=-0.1&attribute[depth]=deep`;
    const json = (attribute: string) => `{"api_key":"${k}","service_code":"pothole","lat":51.5,"long":-0.1,"attribute":{"depth":"deep",${attribute}}}`;
    const xml = (inner: string) => `<request><api_key>${k}</api_key><service_code>pothole</service_code><lat>51.5</lat><long>-0.1</long><attribute><depth>deep</depth>${inner}</attribute></request>`;
    type Call = { method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD'; url: string; headers?: Record<string, string>; payload?: string };
    const post = (type: string, payload: string, ext = 'json'): Call => ({ method: 'POST', url: `/open311/v2/requests.${ext}`, headers: { 'content-type': type }, payload });
    const cases: [string, Call, number][] = [
      ...['constructor', '__proto__', 'toString'].flatMap((name): [string, Call, number][] => [
        [`form attribute[${name}]`, post(FORM['content-type'], `${base}&attribute[${name}]=x`), 400],
        [`JSON attribute ${name}`, post('application/json', json(`"${name}":"x"`)), 400],
        [`XML attribute ${name}`, post('text/xml', xml(`<${name}>x</${name}>`), 'xml'), 400],
      ]),
      ['XML nested too deep', post('text/xml', xml(`${'<a>'.repeat(3000)}${'</a>'.repeat(3000)}`), 'xml'), 400],
      ['JSON attribute nested thousands deep', post('application/json', json(`"x":${'['.repeat(5000)}${']'.repeat(5000)}`)), 400],
      ['page too large for the database', { url: '/open311/v2/requests.json?page=99999999999999999' }, 400],
      ['updates page too large', { url: '/open311/v2/servicerequestupdates.xml?page=99999999999999999' }, 400],
      ['multipart without a boundary', post('multipart/form-data', 'abc'), 400],
      ['multipart cut off in a file', post('multipart/form-data; boundary=XYZ', `--XYZ\r\nContent-Disposition: form-data; name="api_key"\r\n\r\n${k}\r\n--XYZ\r\nContent-Disposition: form-data; name="photo"; filename="a.jpg"\r\n\r\n\xff\xd8\xffabc`), 400],
      ['bad percent-encoding in the path', { url: '/open311/v2/requests/%zz.json' }, 400],
      ['bad percent-encoding in an XML path', { url: '/open311/v2/services/%E0%A4%A.xml' }, 400],
      ['a wrong method on a resource', { method: 'DELETE', url: '/open311/v2/requests.xml' }, 405],
      ['PUT on a service definition', { method: 'PUT', url: '/open311/v2/services/pothole.json' }, 405],
    ];
    const failures: string[] = [];
    for (const [name, req, status] of cases) {
      const res = await env.app.inject(req);
      const problem = res.statusCode !== status ? `answered ${res.statusCode}: ${res.body.slice(0, 200)}` : open311Problem({ method: req.method ?? 'GET', url: req.url }, res);
      if (problem) failures.push(`${name}: ${problem}`);
    }
    const wrong = await env.app.inject({ method: 'DELETE', url: '/open311/v2/requests.json' });
    assert.equal(wrong.headers.allow, 'GET, HEAD, POST');
    assert.equal((await env.app.inject({ method: 'HEAD', url: '/open311/v2/nothing.json' })).body, '');
    assert.deepEqual(failures, []);
  } finally {
    await env.close();
  }
});

test('5,000 seeded hostile requests: no 5xx, Open311 errors in the spec shape and the path format, XML that parses', async () => {
  const seed = process.env.HOSTILE_SEED === 'random' ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.HOSTILE_SEED ?? 20261201);
  const count = Number(process.env.HOSTILE_COUNT ?? 5000);
  const env = await demoApp({ bodyLimitBytes: 256 * 1024, mediaLimitBytes: 64 * 1024, uploadLimitBytes: 128 * 1024 });
  try {
    const r = prng(seed);
    const requests = Array.from({ length: count }, () => hostileRequest(r, env.key));
    const failures: string[] = [];
    // A few at a time, as clients arrive: the database works while Node parses the next.
    for (let from = 0; from < count && failures.length < 20; from += 8) {
      await Promise.all(
        requests.slice(from, from + 8).map(async (req, j) => {
          const res = await env.app.inject({ method: req.method as 'GET', url: req.url, headers: req.headers, payload: req.payload });
          const problem = open311Problem(req, res);
          if (problem) failures.push(`#${from + j} ${req.method} ${req.url.slice(0, 160)} [${req.headers['content-type'] ?? ''}] ${String(req.payload ?? '').slice(0, 120)} → ${problem}`);
        }),
      );
    }
    assert.deepEqual(failures, [], `replay with HOSTILE_SEED=${seed}`);
  } finally {
    await env.close();
  }
});

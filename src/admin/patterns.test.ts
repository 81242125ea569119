import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { Ajv } from 'ajv';
import { demoApp } from '../../test/support/app.ts';
import { createApiKey } from '../core/access/api-keys.ts';
import { LIBRARY_DIR } from '../patterns/library.ts';
import { recordUpdate } from '../core/requests/record-update.ts';
import { submitRequest } from '../core/requests/submit.ts';

// The same operations as the CLI, over the authenticated admin API, and the public JSON Schema.

let env: Awaited<ReturnType<typeof demoApp>>;
let admin = '';
before(async () => {
  env = await demoApp();
  admin = (await createApiKey(env.store, 'patterns admin', 'admin')).key;
  await env.store.jurisdictions.upsert({ id: 'second', name: 'Second District Council' });
});
after(() => env.close());

const call = (method: 'GET' | 'POST', url: string, payload?: unknown, type = 'application/json') =>
  env.app.inject({
    method, url: `/admin/api${url}`,
    headers: { authorization: `Bearer ${admin}`, ...(payload !== undefined ? { 'content-type': type } : {}) },
    ...(payload !== undefined ? { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) } : {}),
  });
const json = (res: { body: string }) => JSON.parse(res.body);
const potholeYaml = readFileSync(`${LIBRARY_DIR}/pothole.yaml`, 'utf8');

test('the JSON Schema is published without a key and describes the format', async () => {
  const res = await env.app.inject({ url: '/schemas/service-pattern.json' });
  assert.equal(res.statusCode, 200);
  const schema = json(res);
  assert.equal(schema.$id, 'https://pipework.dev/schemas/service-pattern.json');
  assert.deepEqual(schema.required.sort(), ['description', 'groups', 'id', 'lgsl_codes', 'name', 'process', 'provenance', 'questions', 'version']);
  assert.ok(schema.properties.questions.items.properties.answer_type.anyOf.some((x: { const: string }) => x.const === 'email'));
  const bundleSchema = json(await env.app.inject({ url: '/schemas/service-pattern-bundle.json' }));

  // The published schema works in a standard validator, on its own: a library pattern passes, a wrong one fails at its path.
  const ajv = new Ajv({ allErrors: true, strict: false });
  const check = ajv.addSchema(schema).compile(bundleSchema);
  const pattern = YAML.parse(potholeYaml) as { process: { statuses: { status: string }[] } };
  assert.ok(ajv.validate(schema.$id, pattern), JSON.stringify(ajv.errors));
  assert.ok(check({ bundle: { name: 'Set' }, patterns: [pattern] }), JSON.stringify(check.errors));
  pattern.process.statuses[0].status = 'resolved';
  assert.equal(ajv.validate(schema.$id, pattern), false);
  assert.ok(ajv.errors!.some((e) => e.instancePath === '/process/statuses/0/status'));
});

test('the admin area needs an admin key', async () => {
  const res = await env.app.inject({ url: '/admin/api/patterns?jurisdiction_id=example', headers: { authorization: `Bearer ${env.key}` } });
  assert.equal(res.statusCode, 403);
});

test('validate takes YAML or JSON and reports every problem with its path and line', async () => {
  const ok = json(await call('POST', '/patterns/validate', potholeYaml, 'application/yaml'));
  assert.deepEqual(ok, { valid: true, patterns: ['pothole@1.0.0'], problems: [] });
  const bad = json(await call('POST', '/patterns/validate', potholeYaml.replace('datatype: singlevaluelist', 'datatype: dropdown'), 'application/yaml'));
  assert.equal(bad.valid, false);
  assert.deepEqual(bad.problems.map((p: { field: string }) => p.field), ['questions[0].datatype']);
  assert.match(bad.problems[0].message, /^line \d+: questions\[0\]\.datatype: must be one of string, number/);
  const syntax = json(await call('POST', '/patterns/validate', 'id: [oops', 'text/yaml'));
  assert.match(syntax.problems[0].message, /not valid YAML at line 1/);
  const jsonBad = json(await call('POST', '/patterns/validate', { id: 'x' }));
  assert.ok(jsonBad.problems.some((p: { field: string }) => p.field === 'version'));
});

test('import refuses an invalid document with 400 and its problems, and imports nothing', async () => {
  const doc = YAML.parse(potholeYaml);
  doc.version = '2.0.0';
  doc.process.closing = ['resolved'];
  const res = await call('POST', '/patterns?jurisdiction_id=second', doc);
  assert.equal(res.statusCode, 400);
  const body = json(res);
  assert.equal(body.error.code, 'INVALID_INPUT');
  assert.equal(body.error.problems[0].field, 'process.closing[0]');
  assert.equal((await call('GET', '/patterns/pothole?jurisdiction_id=second')).statusCode, 404);
});

test('export, import into another council, publish, adopt, diff and list over the API', async () => {
  const exported = await call('GET', '/patterns/pothole/1.0.0?jurisdiction_id=example&format=yaml');
  assert.equal(exported.statusCode, 200);
  assert.match(String(exported.headers['content-type']), /application\/yaml/);

  const created = await call('POST', '/patterns?jurisdiction_id=second', exported.body, 'application/yaml');
  assert.equal(created.statusCode, 201, created.body);
  assert.deepEqual(json(created).imported, [{ id: 'pothole', version: '1.0.0', lifecycle: 'published', outcome: 'created' }]);

  // The second council adapts it: a draft derived from the original, then published and adopted.
  const mine = YAML.parse(exported.body);
  Object.assign(mine, { version: '1.0.1', lifecycle: 'draft', name: 'Pothole or road defect' });
  mine.provenance = { publisher: 'Second District Council', licence: 'OGL-UK-3.0', derived_from: { id: 'pothole', version: '1.0.0' } };
  assert.equal((await call('POST', '/patterns?jurisdiction_id=second', mine)).statusCode, 201);
  const notYet = await call('POST', '/patterns/pothole/adopt?jurisdiction_id=second', { version: '1.0.1' });
  assert.equal(notYet.statusCode, 409);
  assert.equal(json(notYet).error.code, 'PATTERN_NOT_PUBLISHED');
  assert.equal(json(await call('POST', '/patterns/pothole/1.0.1/publish?jurisdiction_id=second')).lifecycle, 'published');
  const adopted = await call('POST', '/patterns/pothole/adopt?jurisdiction_id=second', { service_code: 'road_defect' });
  assert.deepEqual(json(adopted), { jurisdiction_id: 'second', service_code: 'road_defect', pattern: { id: 'pothole', version: '1.0.1' } });
  const service = await env.store.services.get('second', 'road_defect');
  assert.equal(service?.name, 'Pothole or road defect');
  assert.equal(service?.statusLabels?.action_scheduled, 'Repair scheduled');
  assert.equal(service?.attributes[0].answerType, 'radios');
  assert.equal(service?.attributes[0].errorMessages?.required, 'Select how deep the pothole is');

  // What the council changed from its origin.
  const diff = json(await call('GET', '/patterns/pothole/1.0.1/diff?jurisdiction_id=second'));
  assert.equal(diff.from, 'pothole@1.0.0');
  assert.ok(diff.changes.some((c: { path: string; after: unknown }) => c.path === 'name' && c.after === 'Pothole or road defect'));

  const listed = json(await call('GET', '/patterns?jurisdiction_id=second'));
  assert.deepEqual(listed.patterns.map((p: { version: string }) => p.version), ['1.0.0', '1.0.1']);
  const bundle = json(await call('GET', '/pattern-bundle?jurisdiction_id=example&ids=pothole,graffiti@1.0.0'));
  assert.deepEqual(bundle.patterns.map((p: { id: string }) => p.id), ['pothole', 'graffiti']);

  // A published version never changes.
  mine.lifecycle = 'published';
  mine.name = 'Changed';
  const refused = await call('POST', '/patterns?jurisdiction_id=second', mine);
  assert.equal(refused.statusCode, 409);
  assert.equal(json(refused).error.code, 'PATTERN_VERSION_PUBLISHED');
});

test('unknown patterns, councils and bad adopt bodies are clear 4xx errors', async () => {
  assert.equal(json(await call('GET', '/patterns/nope/1.0.0?jurisdiction_id=example')).error.code, 'PATTERN_NOT_FOUND');
  assert.equal((await call('GET', '/patterns?jurisdiction_id=atlantis')).statusCode, 404);
  assert.equal((await call('GET', '/patterns')).statusCode, 400, 'two councils: say which');
  assert.equal((await call('POST', '/patterns/nope/adopt?jurisdiction_id=example', {})).statusCode, 404);
  assert.equal((await call('POST', '/patterns/pothole/adopt?jurisdiction_id=example', { version: 1 })).statusCode, 400);
  assert.equal((await call('GET', '/patterns/pothole/1.0.0/diff?jurisdiction_id=example')).statusCode, 400, 'nothing to compare with');
});

test('flagged updates are listed for staff', async () => {
  const r = await submitRequest(env.store, { jurisdictionId: 'example', serviceCode: 'graffiti', attributes: { offensive: 'no' }, location: { address: 'Station Road' }, contact: {}, mediaUrls: [], source: 'test' });
  await recordUpdate(env.store, { requestId: r.id, jurisdictionId: 'example', status: 'closed', description: 'Closed in the back office', mediaUrls: [], authorKind: 'backend', contact: {} });
  const { updates } = json(await call('GET', '/flagged-updates?jurisdiction_id=example'));
  assert.equal(updates[0].service_request_id, r.id);
  assert.equal(updates[0].status, 'closed');
  assert.match(updates[0].flag, /"closed" is not a status of this service's process/);
});

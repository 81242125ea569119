import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { demoApp, form, FORM } from '../../../test/support/app.ts';
import { recordUpdate } from '../../core/requests/record-update.ts';

// Whole-document comparisons for every endpoint in both formats, errors included.
// Times and random tokens vary per run, so they are replaced with placeholders
// before comparing. `UPDATE_GOLDEN=1 node --import tsx --test this-file` writes or rewrites the files;
// without it a missing file fails.

const DIR = join(import.meta.dirname, 'golden');
const normalise = (s: string) =>
  s
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g, 'DATETIME')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'UUID');

let env: Awaited<ReturnType<typeof demoApp>>;
let token = '';
before(async () => {
  env = await demoApp();
});
after(() => env.close());

function golden(name: string, res: { statusCode: number; headers: Record<string, unknown>; body: string }, status = 200) {
  const ext = name.endsWith('.json') ? 'json' : 'xml';
  assert.equal(res.headers['content-type'], ext === 'json' ? 'application/json; charset=utf-8' : 'text/xml; charset=utf-8');
  assert.equal(res.statusCode, status, res.body);
  const body = ext === 'json' ? JSON.stringify(JSON.parse(res.body), null, 2) + '\n' : res.body + '\n';
  const file = join(DIR, name);
  if (process.env.UPDATE_GOLDEN) writeFileSync(file, normalise(body));
  // A missing file is a failure: writing it silently would make a new document pass unseen.
  assert.ok(existsSync(file), `${name} has no golden file: run with UPDATE_GOLDEN=1 to write it, then review it`);
  assert.equal(normalise(body), readFileSync(file, 'utf8'), `${name} differs from its golden file`);
}

const get = (url: string) => env.app.inject({ url: `/open311/v2/${url}` });
const post = (url: string, pairs: [string, string][]) =>
  env.app.inject({ method: 'POST', url: `/open311/v2/${url}`, headers: FORM, payload: form(pairs) });

// Tests run in order in one file; each format sees the same data.
for (const ext of ['xml', 'json']) {
  test(`discovery, service list and definition (.${ext})`, async () => {
    golden(`discovery.${ext}`, await get(`discovery.${ext}`));
    golden(`services.${ext}`, await get(`services.${ext}`));
    golden(`service-pothole.${ext}`, await get(`services/pothole.${ext}`));
  });
}

test('create requests, realtime and batch (.xml then .json)', async () => {
  const pothole: [string, string][] = [
    ['api_key', env.key],
    ['service_code', 'pothole'],
    ['lat', '51.501009'],
    ['long', '-0.141588'],
    ['address_string', 'Outside 1 High Street, Exampleton'],
    ['description', 'Deep pothole\r\nby the bus stop'],
    ['attribute[depth]', 'deep'],
    ['attribute[easting]', '529090'],
    ['attribute[northing]', '179645'],
    ['attribute[fixmystreet_id]', '4242'],
    ['email', 'resident@example.org'],
    ['first_name', 'Ada'],
  ];
  golden('post-request.xml', await post('requests.xml', pothole));
  golden('post-request.json', await post('requests.json', pothole));
  const bin: [string, string][] = [
    ['api_key', env.key],
    ['service_code', 'missed_bin'],
    ['address_string', '2 Low Road'],
    ['attribute[bin_type]', 'recycling'],
    ['attribute[collection_date]', '2026-11-27T07:00'],
  ];
  golden('post-request-batch.xml', await post('requests.xml', bin));
  const res = await post('requests.json', bin);
  golden('post-request-batch.json', res);
  token = JSON.parse(res.body)[0].token;
});

for (const ext of ['xml', 'json']) {
  test(`fetch requests, by id, by token (.${ext})`, async () => {
    golden(`requests-by-id.${ext}`, await get(`requests.${ext}?service_request_id=1,2`));
    golden(`requests-filtered.${ext}`, await get(`requests.${ext}?service_code=missed_bin&status=open`));
    golden(`request-1.${ext}`, await get(`requests/1.${ext}`));
    golden(`token.${ext}`, await get(`tokens/${token}.${ext}`));
  });
}

test('post and list updates (.xml then .json)', async () => {
  const update = (id: string): [string, string][] => [
    ['api_key', env.key],
    ['service_request_id', '1'],
    ['update_id', id],
    ['status', 'OPEN'],
    ['updated_datetime', new Date().toISOString()],
    ['description', 'It is getting bigger'],
  ];
  golden('post-update.xml', await post('servicerequestupdates.xml', update('fms-1')));
  golden('post-update.json', await post('servicerequestupdates.json', update('fms-2')));
  await recordUpdate(env.store, {
    requestId: '1',
    jurisdictionId: 'example',
    status: 'action_scheduled',
    description: 'Repair booked',
    mediaUrls: [],
    externalStatusCode: 'REP-BOOKED',
    authorKind: 'backend',
    contact: {},
  });
  golden('updates.xml', await get('servicerequestupdates.xml'));
  golden('updates.json', await get('servicerequestupdates.json'));
});

for (const ext of ['xml', 'json']) {
  test(`errors (.${ext})`, async () => {
    golden(`error-no-key.${ext}`, await post(`requests.${ext}`, [['service_code', 'pothole']]), 403);
    golden(`error-unknown-service.${ext}`, await get(`services/nope.${ext}`), 404);
    golden(`error-unknown-request.${ext}`, await get(`requests/999.${ext}`), 404);
    golden(
      `error-invalid.${ext}`,
      await post(`requests.${ext}`, [
        ['api_key', env.key],
        ['service_code', 'pothole'],
        ['lat', '51.5'],
        ['long', '-0.1'],
        ['attribute[depth]', 'bottomless'],
        ['attribute[width_cm]', 'wide'],
      ]),
      400,
    );
    golden(`error-jurisdiction.${ext}`, await get(`services.${ext}?jurisdiction_id=elsewhere.gov.uk`), 404);
  });
}

test('an unsupported format is answered in XML, the required format', async () => {
  golden('error-format.xml', await get('services.csv'), 400);
});

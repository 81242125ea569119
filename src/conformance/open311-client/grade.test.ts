import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startRecorder } from './recorder.ts';
import { CLIENT_CHECKS, gradeClient } from './grade.ts';

// A client scripted the way FixMyStreet talks to a server, with one switch per
// mistake; the recorder must pass it unbroken and catch each mistake.

type Mistake = 'C.service_list' | 'C.definition' | 'C.post.encoding' | 'C.post.api_key' | 'C.jurisdiction' | 'C.post.service_code' | 'C.post.location' | 'C.post.attributes' | 'C.dates';

async function client(base: string, mistake?: Mistake) {
  const j: [string, string][] = mistake === 'C.jurisdiction' ? [] : [['jurisdiction_id', 'example']];
  const get = (path: string, q: [string, string][] = []) => fetch(`${base}${path}?${new URLSearchParams([...j, ...q])}`).then((r) => r.text());
  if (mistake !== 'C.service_list') await get('services.xml');
  if (mistake !== 'C.definition') await get('services/pothole.xml');
  const fields: [string, string][] = [
    ...j,
    ...(mistake === 'C.post.api_key' ? [] : ([['api_key', 'k-123']] as [string, string][])),
    ['service_code', mistake === 'C.post.service_code' ? 'potholes' : 'pothole'],
    ...(mistake === 'C.post.location' ? [] : ([['lat', '51.507222'], ['long', '-0.127500']] as [string, string][])),
    ['description', 'title: Hole\r\n\r\ndetail: deep'],
    ['attribute[depth]', mistake === 'C.post.attributes' ? 'very' : 'deep'],
    ['attribute[hazards]', 'glass'],
    ['attribute[hazards]', 'oil'],
  ];
  const body = new URLSearchParams(fields).toString();
  await fetch(`${base}requests.xml`, {
    method: 'POST',
    headers: { 'content-type': mistake === 'C.post.encoding' ? 'text/plain' : 'application/x-www-form-urlencoded' },
    body,
  }).then((r) => r.text());
  await get('servicerequestupdates.xml', [['api_key', 'k-123'], ['start_date', mistake === 'C.dates' ? '01/12/2026' : '2026-12-01T09:00:00Z'], ['end_date', '2026-12-01T10:00:00Z']]);
}

async function graded(mistake?: Mistake) {
  const recorder = await startRecorder({ port: 0 });
  try {
    await client(recorder.url, mistake);
    return await gradeClient(recorder.url, { calls: recorder.calls, apiKey: 'k-123', jurisdiction: 'example' });
  } finally {
    await recorder.close();
  }
}

test('a client that talks like FixMyStreet passes every check', async () => {
  const report = await graded();
  assert.deepEqual(report.results.filter((r) => r.outcome !== 'pass').map((r) => `${r.id}: ${r.message}`), []);
});

test('multipart reports are read too', async () => {
  const recorder = await startRecorder({ port: 0 });
  try {
    const form = new FormData();
    for (const [k, v] of [['api_key', 'k'], ['service_code', 'pothole'], ['lat', '51.5'], ['long', '-0.1'], ['attribute[depth]', 'shallow']]) form.append(k, v);
    form.append('photo', new Blob([new Uint8Array([0xff, 0xd8])]), 'a.jpg');
    const res = await fetch(`${recorder.url}requests.xml`, { method: 'POST', body: form });
    assert.match(await res.text(), /<service_request_id>1001<\/service_request_id>/);
    assert.deepEqual(recorder.calls[0].fields.find(([k]) => k === 'attribute[depth]'), ['attribute[depth]', 'shallow']);
  } finally {
    await recorder.close();
  }
});

for (const check of CLIENT_CHECKS) {
  test(`${check.id} catches a client that gets it wrong`, async () => {
    const result = (await graded(check.id as Mistake)).results.find((r) => r.id === check.id)!;
    assert.equal(result.outcome, 'fail', `${check.id}: ${result.outcome} ${result.message ?? ''}`);
    assert.ok(result.message && result.exchange, 'says why and shows the call');
  });
}

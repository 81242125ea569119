import { test } from 'node:test';
import assert from 'node:assert/strict';
import { relayWorld, until } from '../../../test/support/delivery-world.ts';
import { METRICS_TOKEN } from '../../../test/support/db.ts';
import { open311StandIn, type StandInQuirks } from '../../../test/support/open311-stand-in.ts';
import { saveBackend } from '../../routing/manage.ts';
import { recordUpdate } from '../../core/requests/record-update.ts';
import { open311UpstreamBackend } from './index.ts';
import { migrationReport } from '../../routing/report.ts';
import { pipework } from '../../../test/support/cli.ts';

const KEY = 'stand-in-key';

/** A relay world routing potholes to an independent GeoReport v2 stand-in that ignores Idempotency-Key. */
async function world(quirks: StandInQuirks, format: 'json' | 'xml' = 'json', extra: object = {}) {
  const w = await relayWorld({ deliveryTimeoutMs: 600 });
  const up = await open311StandIn(KEY, quirks);
  await saveBackend(w.store, { name: 'county', kind: 'open311-upstream', config: { url: up.url, apiKey: KEY, format, pull: 'requests', pollSeconds: 1, ...extra } }, 'test');
  await w.route('pothole', 'county');
  const jobs = async (id: string) => (await w.store.deliveries.forRequest(id)).filter((d) => d.kind === 'request');
  return { w, up, jobs, close: async () => (await w.close(), await up.close()) };
}

test('(a) a 201 with a <requests> root is read, noted, and never sent again: one case per report', async () => {
  const { w, up, jobs, close } = await world({ xmlRoot: 'requests' }, 'xml');
  const offSpec = async () => {
    const text = (await w.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).body;
    return Number(/^pipework_backend_answers_off_spec_total\{backend="county"\} (\d+)$/m.exec(text)?.[1] ?? 0);
  };
  try {
    const before = await offSpec();
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await w.submit(`Report ${i} with another root`)).id);
    w.relay();
    await until(async () => (await Promise.all(ids.map(jobs))).flat().every((j) => j.state === 'delivered'), 15_000, 'all delivered');
    for (let i = 0; i < 10; i++) assert.equal(up.casesFor(`Report ${i} with another root`), 1, `report ${i}: one case upstream`);
    assert.equal(up.posts, 10, 'not one re-send');
    const [job] = await jobs(ids[0]);
    assert.equal(job.externalRef, up.cases.find((c) => c.description === 'Report 0 with another root')!.service_request_id);
    assert.match(job.note ?? '', /root element <requests> instead of <service_requests>/);
    // The reading notes, counted per back-end on /metrics: at least one per answer to the ten POSTs.
    assert.ok((await offSpec()) - before >= 10, `off-spec answers counted: ${(await offSpec()) - before}`);
  } finally {
    await close();
  }
});

test('(b)+(c) the upstream freezes past the timeout after creating the case and ignores Idempotency-Key: the retry finds and adopts it', async () => {
  const { w, up, jobs, close } = await world({ freezeMs: 2500, freezeCount: 3 });
  try {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await w.submit(`Frozen report ${i}`)).id);
    w.relay();
    await until(async () => (await Promise.all(ids.map(jobs))).flat().every((j) => j.state === 'delivered'), 20_000, 'all delivered');
    for (let i = 0; i < 6; i++) assert.equal(up.casesFor(`Frozen report ${i}`), 1, `report ${i}: one case upstream`);
    const all = (await Promise.all(ids.map(jobs))).flat();
    const adopted = all.filter((j) => /adopted case/.test(j.note ?? ''));
    assert.equal(adopted.length, 3, 'the three frozen sends were adopted, not re-sent');
    for (const j of adopted) {
      assert.ok(j.attempts >= 2);
      assert.equal(up.cases.find((c) => c.service_request_id === j.externalRef)?.description, `Frozen report ${ids.indexOf(j.requestId)}`, 'adopted its own case');
    }
    assert.ok(all.every((j) => !j.suspectDuplicate));
    const report = await migrationReport(w.store, 'example', 'pothole', new Date(0));
    assert.equal(report.backends.find((b) => b.backend === 'county')!.suspectedDuplicates, 0);
  } finally {
    await close();
  }
});

test('where the upstream cannot be searched, a re-send after a lost answer is flagged, and the migration report counts it', async () => {
  const { w, up, jobs, close } = await world({ freezeMs: 2500, freezeCount: 1, noSearch: true });
  try {
    const req = await w.submit('Report that could not be looked up');
    w.relay();
    await until(async () => (await jobs(req.id))[0].state === 'delivered', 15_000, 'delivered');
    const [j] = await jobs(req.id);
    assert.equal(j.suspectDuplicate, true);
    assert.match(j.note ?? '', /sent again without looking first \(GET requests answered HTTP 404\)/);
    assert.equal(up.casesFor('Report that could not be looked up'), 2, 'the stand-in made two: this is the duplicate the report must show');
    const report = await migrationReport(w.store, 'example', 'pothole', new Date(0));
    assert.equal(report.backends.find((b) => b.backend === 'county')!.suspectedDuplicates, 1);
  } finally {
    await close();
  }
});

test('a 2xx whose body cannot be read is delivered with its reference unknown, then reconciled: still one case', async () => {
  const { w, up, jobs, close } = await world({ garbleCount: 2 });
  try {
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await w.submit(`Garbled report ${i}`)).id);
    w.relay();
    await until(async () => (await Promise.all(ids.map(jobs))).flat().every((j) => j.state === 'delivered' && j.externalRef), 15_000, 'all delivered and referenced');
    assert.equal(up.posts, 4, 'never re-sent');
    for (let i = 0; i < 4; i++) {
      assert.equal(up.casesFor(`Garbled report ${i}`), 1);
      const [j] = await jobs(ids[i]);
      assert.equal(j.externalRef, up.cases.find((c) => c.description === `Garbled report ${i}`)!.service_request_id);
    }
    const notes = (await Promise.all(ids.map(jobs))).flat().map((j) => j.note ?? '');
    assert.equal(notes.filter((n) => /reference unknown.*reference found later/.test(n)).length, 2);
  } finally {
    await close();
  }
});

test('(d) no servicerequestupdates: comments stay in Pipework (noted, staff see them), never dead-lettered; routes check says so', async () => {
  const { w, up, jobs, close } = await world({ noUpdates: true });
  try {
    const req = await w.submit('Report whose comments stay here');
    w.relay();
    await until(async () => (await jobs(req.id))[0].state === 'delivered', 10_000, 'delivered');
    await recordUpdate(w.store, { requestId: req.id, jurisdictionId: 'example', status: 'unchanged', description: 'It is getting bigger', mediaUrls: [], authorKind: 'resident', contact: {} });
    const updateJob = async () => (await w.store.deliveries.forRequest(req.id)).find((d) => d.kind === 'update');
    await until(async () => (await updateJob())?.state === 'delivered', 10_000, 'comment job settled');
    assert.match((await updateJob())!.note ?? '', /kept in Pipework.*servicerequestupdates \(HTTP 404\)/);
    assert.equal((await w.store.deliveries.list({ state: 'dead', limit: 10 })).length, 0, 'nothing dead-lettered');
    assert.equal(up.comments.length, 0);
    assert.ok((await w.store.requests.history('example', req.id)).some((u) => u.description === 'It is getting bigger'), 'the comment is in the history staff see');

    const backend = open311UpstreamBackend('county', { url: up.url, apiKey: KEY, format: 'json', pull: 'updates', pollSeconds: 60 }, { timeoutMs: 1000 });
    const probes = await backend.probe!();
    const byCheck = (s: string) => probes.find((p) => p.check.startsWith(s))!;
    assert.equal(byCheck('GET services').ok, true);
    assert.equal(byCheck('GET requests').ok, true);
    assert.equal(byCheck('GET servicerequestupdates').ok, false, 'the configured pull path is reported broken');
    assert.match(byCheck('GET servicerequestupdates').check, /configured status pull/);
    assert.match(byCheck('residents').detail, /kept in Pipework/);

    // routes check (the real binary) probes what the configuration uses: here status comes by GET requests, so it works.
    const ok = await pipework(['routes', 'check', 'county'], { DATABASE_URL: w.store.url });
    assert.equal(ok.code, 0, ok.out + ok.err);
    assert.match(ok.out, /county: healthy/);
    assert.match(ok.out, /works\tGET servicerequestupdates \(for comments only\): not there/);
    assert.match(ok.out, /residents\u2019 comments: kept in Pipework/);
    // Configured to pull servicerequestupdates, which answers 404 every time: not healthy, and it says which part.
    await saveBackend(w.store, { name: 'county', kind: 'open311-upstream', config: { url: up.url, apiKey: KEY, format: 'json', pull: 'updates', pollSeconds: 60 } }, 'test');
    const broken = await pipework(['routes', 'check', 'county'], { DATABASE_URL: w.store.url });
    assert.equal(broken.code, 1);
    assert.match(broken.out, /county: NOT healthy/);
    assert.match(broken.out, /FAILS\tGET servicerequestupdates \(the configured status pull\): .*HTTP 404/);
    assert.match(broken.out, /works\tGET services/);
  } finally {
    await close();
  }
});

test('a bad api_key answered 400 {code, detail} is said plainly and dead-lettered at once, not retried', async () => {
  const { w, up, jobs, close } = await world({});
  try {
    await saveBackend(w.store, { name: 'county', kind: 'open311-upstream', config: { url: up.url, apiKey: 'wrong', format: 'json', pollSeconds: 60 } }, 'test');
    const req = await w.submit('Report with a bad key');
    w.relay();
    await until(async () => (await jobs(req.id))[0].state === 'dead', 10_000, 'dead-lettered');
    const [j] = await jobs(req.id);
    assert.equal(j.attempts, 1);
    assert.match(j.lastError ?? '', /refused the API key \(HTTP 400: invalid_api_key The api_key is not valid\)/);
  } finally {
    await close();
  }
});

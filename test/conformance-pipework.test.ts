import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { demoApp } from './support/app.ts';
import { contextFor } from '../src/cli/context.ts';
import { conformance } from '../src/cli/conformance.ts';
import { renderReport } from '../src/conformance/report.ts';
import { runOpen311 } from '../src/conformance/open311/run.ts';
import { importDirectory } from '../src/standards/openreferral/import.ts';
import { submitRequest } from '../src/core/requests/submit.ts';
import { recordUpdate } from '../src/core/requests/record-update.ts';

// The conformance kit against Pipework itself: a real app listening on
// 127.0.0.1, over real HTTP, on whichever database DATABASE_URL names.

let env: Awaited<ReturnType<typeof demoApp>>;
let base: string;
before(async () => {
  // Links built from the Host header, so the OpenAPI link the ORUK root gives is reachable here.
  env = await demoApp({ publicUrl: '' });
  await importDirectory(new URL('../src/standards/openreferral/fixtures/sample-directory.json', import.meta.url).pathname, env.store.directory);
  await env.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(env.app.server.address() as AddressInfo).port}`;
});
after(() => env.close());

/** Runs a CLI command, capturing what it prints. */
async function cli(args: string[]) {
  const out: string[] = [];
  const keep = (l: string) => out.push(l) > 0;
  const { ctx, close } = contextFor(env.config, keep, keep);
  try {
    return { code: await conformance.run(args, ctx), out: out.join('\n') };
  } finally {
    await close();
  }
}

test('Pipework passes Open311 levels 1 to 3', async () => {
  const { code, out } = await cli(['open311', `${base}/open311/v2/`, '--api-key', env.key, '--jurisdiction', 'example', '--level', '3', '--format', 'json']);
  const report = JSON.parse(out);
  const failed = report.results.filter((r: any) => r.outcome === 'fail');
  assert.deepEqual(failed.map((r: any) => `${r.id}: ${r.message}`), []);
  assert.equal(code, 0);
  // Only the token check may be skipped: Pipework's services are realtime and answer with an id.
  assert.deepEqual(report.results.filter((r: any) => r.outcome === 'skip').map((r: any) => r.id), ['L3.token']);
  assert.ok(report.results.length >= 25);

});

test('Pipework passes level 4, the UK profile as FixMyStreet uses it', async (t) => {
  // A council update in the last week, so the updates window has something to check.
  const request = await submitRequest(env.store, { jurisdictionId: 'example', serviceCode: 'pothole', attributes: { depth: 'deep' }, location: { lat: '51.5', long: '-0.12' }, contact: {}, mediaUrls: [], source: 'test' });
  await recordUpdate(env.store, { requestId: request.id, jurisdictionId: 'example', status: 'investigating', description: 'Inspector booked', mediaUrls: [], authorKind: 'staff', contact: {} });
  const uk = await runOpen311(`${base}/open311/v2/`, { level: 4, apiKey: env.key, jurisdiction: 'example' });
  for (const r of uk.results.filter((x) => x.outcome !== 'pass')) t.diagnostic(`level 4 ${r.outcome}: ${r.id}: ${r.message}`);
  assert.deepEqual(uk.results.filter((r) => r.outcome === 'fail').map((r) => `${r.id}: ${r.message}`), []);
  assert.deepEqual(uk.results.filter((r) => r.outcome === 'skip').map((r) => r.id), ['L3.token']);
});

test('a failing run exits 1, and every report format carries the verdict', async () => {
  const { code, out } = await cli(['open311', `${base}/open311/v2/`, '--level', '3', '--format', 'text']);
  assert.equal(code, 1, 'level 3 without an API key cannot pass');
  assert.match(out, /FAIL L3\.post\.json/);
  assert.match(out, /needs an API key: give one with --api-key/);
  const report = await runOpen311(`${base}/open311/v2/`, { level: 3, jurisdiction: 'example' });
  const html = renderReport(report, 'html');
  assert.match(html, /<h2>No: it does not meet level 3<\/h2>/);
  assert.match(html, /<html lang="en-GB">/);
  const junit = renderReport(report, 'junit');
  assert.match(junit, /<testsuite name="Open311 GeoReport v2 [^"]+" tests="\d+" failures="[1-9]\d*"/);
  await assert.rejects(cli(['open311', 'not-a-url']), /Give the endpoint's URL/);
  await assert.rejects(cli(['open311', base, '--level', '7']), /--level must be 1, 2, 3 or 4/);
});

test('Pipework passes every Open Referral UK check', async () => {
  const { code, out } = await cli(['oruk', `${base}/openreferral/`, '--format', 'json']);
  const report = JSON.parse(out);
  assert.deepEqual(report.results.filter((r: any) => r.outcome !== 'pass').map((r: any) => `${r.id}: ${r.outcome} ${r.message}`), []);
  assert.equal(code, 0);
});

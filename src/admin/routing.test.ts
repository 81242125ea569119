import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { relayWorld } from '../../test/support/delivery-world.ts';

let w: Awaited<ReturnType<typeof relayWorld>>;
before(async () => {
  w = await relayWorld();
});
after(() => w.close());

const api = (method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: object, key = w.adminKey) =>
  w.app.inject({ method, url: `/admin/api${url}`, headers: { authorization: `Bearer ${key}` }, payload });

test('admin routing API: back-ends are validated field by field and their secrets never come back', async () => {
  const bad = await api('PUT', '/backends/streets', { kind: 'webhook', config: { url: 'ftp://nowhere', secret: 'short' } });
  assert.equal(bad.statusCode, 400);
  assert.deepEqual(bad.json().error.problems.map((p: { field: string }) => p.field).sort(), ['config.secret', 'config.url']);
  const kind = await api('PUT', '/backends/streets', { kind: 'fax', config: {} });
  assert.match(kind.json().error.message, /kind must be one of/);
  const name = await api('PUT', '/backends/Bad%20Name', { kind: 'builtin', config: {} });
  assert.match(name.json().error.message, /name must be lower-case/);
  const ok = await api('PUT', '/backends/streets', { kind: 'webhook', config: { url: 'http://127.0.0.1:9/x', secret: 'a-secret-long-enough-123', statusMap: { DONE: 'fixed' } } });
  assert.equal(ok.statusCode, 200, ok.body);
  assert.equal(ok.json().backend.config.secret, '********');
  assert.equal(ok.json().backend.updated_by, 'api:ops');
  const badMap = await api('PUT', '/backends/streets', { kind: 'webhook', config: { url: 'http://127.0.0.1:9/x', secret: 'a-secret-long-enough-123', statusMap: { DONE: 'finished' } } });
  assert.match(badMap.json().error.message, /config\.statusMap\.DONE must be an Open311 status/);
  const health = await api('GET', '/backends/streets/health');
  assert.equal(health.json().ok, false);
  assert.equal((await api('GET', '/backends/nothing/health')).statusCode, 404);
});

test('admin routing API: bad routes are refused with the reason; a client key is not enough', async () => {
  assert.equal((await api('PUT', '/routes/example/pothole/canary', { backend: 'streets', percent: 150 })).statusCode, 400);
  assert.match((await api('PUT', '/routes/example/pothole/canary', { backend: 'streets' })).json().error.message, /percent is required/);
  const nb = await api('PUT', '/routes/example/pothole', { primary: 'nowhere' });
  assert.equal(nb.statusCode, 404);
  assert.equal(nb.json().error.code, 'BACKEND_NOT_FOUND');
  assert.equal((await api('PUT', '/routes/example/no_such_service', { primary: 'builtin' })).json().error.code, 'SERVICE_NOT_FOUND');
  assert.equal((await api('PUT', '/routes/nowhere/pothole', { primary: 'builtin' })).json().error.code, 'JURISDICTION_NOT_FOUND');
  assert.equal((await api('POST', '/routes/example/pothole/promote')).statusCode, 400);
  assert.equal((await api('GET', '/migration/example/no_such_service/report')).statusCode, 404);
  assert.equal((await api('GET', '/routes', undefined, w.clientKey)).statusCode, 403);
  // A default route for the whole council, then removed again: both in the log.
  assert.equal((await api('PUT', '/routes/example/*', { primary: 'streets' })).statusCode, 200);
  assert.equal((await api('DELETE', '/routes/example/*')).statusCode, 200);
  const log = (await api('GET', '/routes/changes?service_code=*')).json().changes;
  assert.deepEqual(log.map((c: { action: string }) => c.action), ['clear', 'set']);
});

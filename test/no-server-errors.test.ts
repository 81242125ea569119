import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoApp, form, FORM } from './support/app.ts';
import { createApiKey } from '../src/core/access/api-keys.ts';

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

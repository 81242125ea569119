import type { FastifyInstance } from 'fastify';
import type { Store } from '../../src/core/store.ts';
import type { Role } from '../../src/core/staff/roles.ts';
import { addStaff } from '../../src/core/staff/setup.ts';
import { hashPassword } from '../../src/core/staff/password.ts';

export const STAFF_PASSWORD = 'correct horse battery staple';

/** A member of staff with a password, ready to sign in. */
export async function staffUser(store: Store, email: string, role: Role, jurisdictionId = 'example', name = email.split('@')[0]) {
  const { user } = await addStaff(store, { email, name, role, jurisdictionId }, new Date());
  await store.staff.users.setPassword(user.id, await hashPassword(STAFF_PASSWORD));
  return user;
}

/**
 * A cookie-keeping client for the staff console over `app.inject()`: it reads
 * the CSRF token from the last page it fetched and posts it back, like a browser.
 */
export function staffClient(app: FastifyInstance) {
  let cookie = '';
  let csrf = '';
  const remember = <R extends { headers: Record<string, unknown>; body: string }>(res: R): R => {
    const set = res.headers['set-cookie'];
    for (const c of Array.isArray(set) ? set : set ? [set] : []) {
      const [pair] = String(c).split(';');
      if (pair.startsWith('pipework_staff=')) cookie = pair.endsWith('=') ? '' : pair;
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
    if (token) csrf = token;
    return res;
  };
  const client = {
    get cookie() {
      return cookie;
    },
    get csrf() {
      return csrf;
    },
    async get(url: string) {
      return remember(await app.inject({ url, headers: { cookie, accept: 'text/html' } }));
    },
    /** Posts a form; `_csrf` is added unless given (pass `_csrf: ''` to send none). */
    async post(url: string, fields: Record<string, string> | [string, string][]) {
      const list = Array.isArray(fields) ? [...fields] : Object.entries(fields);
      if (!list.some(([k]) => k === '_csrf')) list.push(['_csrf', csrf]);
      return remember(
        await app.inject({ method: 'POST', url, headers: { cookie, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(list.filter(([k, v]) => k !== '_csrf' || v)).toString() }),
      );
    },
    /** Signs in with email and password; returns the final response. */
    async signIn(email: string, password = STAFF_PASSWORD) {
      await client.get('/staff/sign-in');
      return client.post('/staff/sign-in', { email, password });
    },
  };
  return client;
}

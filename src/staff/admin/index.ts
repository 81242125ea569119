import type { FastifyInstance } from 'fastify';
import type { StaffContext } from '../plugin.ts';
import { page } from '../render.ts';
import { servicesArea } from './services.ts';
import { backendsArea } from './backends.ts';
import { routesArea } from './routes.ts';
import { deliveriesArea } from './deliveries.ts';
import { directoryArea } from './directory.ts';
import { councilsArea } from './councils.ts';
import { keysArea } from './keys.ts';
import { peopleArea } from './people.ts';

/** One area of council set-up: a card on /staff/admin/ and the routes under it. */
export interface AdminArea {
  /** Under /staff/admin/, e.g. `councils`. */
  path: string;
  title: string;
  summary: string;
  routes: (app: FastifyInstance, ctx: StaffContext) => Promise<void>;
}

/** Every area of council set-up: add one with a file in this folder and a line here. */
export const ADMIN_AREAS: AdminArea[] = [councilsArea, keysArea, peopleArea, servicesArea, backendsArea, routesArea, deliveriesArea, directoryArea];

/**
 * Council set-up at /staff/admin/, for the `admin` role only: every route
 * registered here needs `council.admin` unless it names another ability, so
 * no area can forget the check. Each area calls the same core use cases as
 * the CLI and the admin API, and records what it does in the audit log.
 */
export async function adminRoutes(app: FastifyInstance, ctx: StaffContext) {
  app.addHook('onRoute', (route) => {
    route.config = { ...(route.config ?? {}), ability: (route.config as { ability?: string } | undefined)?.ability ?? 'council.admin' } as typeof route.config;
  });
  app.get('/', async (req, reply) => page(req, reply, 'admin/index.njk', { title: 'Council set-up', areas: ADMIN_AREAS }));
  // The options this plugin was given carry its own prefix (/admin): an area must not add it twice.
  const { prefix: _prefix, ...areaCtx } = ctx as StaffContext & { prefix?: string };
  for (const area of ADMIN_AREAS) await app.register(area.routes, areaCtx);
}

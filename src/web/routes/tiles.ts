import type { FastifyInstance } from 'fastify';
import type { WebContext } from '../plugin.ts';

type Params = { z: string; x: string; y: string };

/**
 * Map tiles at /assets/tiles/{z}/{x}/{y}.png, fetched from MAP_TILES_URL: the
 * pages' security policy stays `'self'`, a key in the tile URL (OS Maps API)
 * never reaches the browser, and residents' addresses are not sent to the tile
 * provider. Only image answers are passed on; anything else is a 502.
 */
export async function mapTileRoutes(app: FastifyInstance, { config }: WebContext) {
  if (!config.mapTilesUrl) return;
  app.get<{ Params: Params }>('/assets/tiles/:z/:x/:y', async (req, reply) => {
    const [z, x, y] = [req.params.z, req.params.x, req.params.y.replace(/\.png$/, '')].map((v) => (/^\d{1,7}$/.test(v) ? Number(v) : NaN));
    if (![z, x, y].every(Number.isInteger) || z < 0 || z > 20 || x < 0 || y < 0 || x >= 2 ** z || y >= 2 ** z) return reply.code(404).type('text/plain').send('No such tile');
    const url = config.mapTilesUrl.replace('{z}', String(z)).replace('{x}', String(x)).replace('{y}', String(y));
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000), headers: { 'user-agent': 'Pipework resident web (tile proxy)' } });
      const type = res.headers.get('content-type') ?? '';
      if (!res.ok || !type.startsWith('image/')) throw new Error(`tile server answered ${res.status} ${type}`);
      return reply.type(type).header('cache-control', 'public, max-age=86400').send(Buffer.from(await res.arrayBuffer()));
    } catch (err) {
      req.log.warn({ err, z, x, y }, 'map tile could not be fetched');
      return reply.code(502).header('cache-control', 'no-store').type('text/plain').send('Map tile unavailable');
    }
  });
}

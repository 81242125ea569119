import type { FastifyInstance } from 'fastify';
import type { Store } from '../core/store.ts';

/** Serves stored photos. Ids are random, so a photo is only found by someone given its URL. */
export async function mediaRoutes(app: FastifyInstance, opts: { store: Store }) {
  app.get<{ Params: { id: string } }>('/media/:id', { schema: { hide: true } as object }, async (req, reply) => {
    const media = /^[\w-]+\.\w+$/.test(req.params.id) ? await opts.store.media.get(req.params.id) : undefined;
    if (!media) return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
    return reply
      .type(media.contentType)
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('x-content-type-options', 'nosniff')
      .send(media.bytes);
  });
}

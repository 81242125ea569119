import type { FastifyInstance } from 'fastify';
import type { Store } from '../../core/store.ts';
import type { Config } from '../../config/schema.ts';
import { PipeworkError } from '../../core/errors.ts';
import { baseUrl } from '../../http/base-url.ts';
import { buildFeed, oneEntry } from './feed.ts';
import { ENTRY_CONTEXT } from '../../core/patterns/signing.ts';

/**
 * The public side of pattern sharing (decision 0120): GET /patterns/feed.json,
 * each version at /patterns/{publisher}/{id}/{version}.json (immutable), and
 * /patterns/discovery.json naming the feed and the publishers' public keys.
 */
export async function patternFeedRoutes(app: FastifyInstance, { store, config }: { store: Store; config: Config }): Promise<void> {
  const hide = { schema: { hide: true } as object };
  app.get('/patterns/feed.json', hide, async (req, reply) => {
    // Short: a newly published version should reach subscribers at their next fetch.
    return reply.header('cache-control', 'public, max-age=60').send(await buildFeed(store, baseUrl(config, req)));
  });
  app.get('/patterns/discovery.json', hide, async (req, reply) => {
    const feed = await buildFeed(store, baseUrl(config, req));
    return reply.header('cache-control', 'public, max-age=60').send({ feed: feed.url, publishers: feed.publishers, signing: { alg: 'Ed25519', context: ENTRY_CONTEXT.trim(), canonical_json: 'RFC 8785' } });
  });
  app.get<{ Params: { publisher: string; id: string; file: string } }>('/patterns/:publisher/:id/:file', hide, async (req, reply) => {
    const m = /^(.+)\.json$/.exec(req.params.file);
    const found = m && (await oneEntry(store, baseUrl(config, req), req.params.publisher, req.params.id, m[1]));
    if (!found) throw new PipeworkError('PATTERN_NOT_FOUND', `${req.params.publisher} shares no ${req.params.id}@${m?.[1] ?? req.params.file}`);
    // A published version never changes, so its URL can be cached for good.
    return reply.header('cache-control', 'public, max-age=31536000, immutable').send(found);
  });
}

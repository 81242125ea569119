import type { FastifyInstance } from 'fastify';
import { PatternBundleSchema, ServicePatternSchema } from './schema.ts';

/** GET /schemas/service-pattern.json and /schemas/service-pattern-bundle.json: the published JSON Schemas, public. */
export async function patternSchemaRoutes(app: FastifyInstance): Promise<void> {
  const send = (schema: object) => ({ $schema: 'http://json-schema.org/draft-07/schema#', ...schema });
  app.get('/schemas/service-pattern.json', { schema: { hide: true } as object }, async (_req, reply) => reply.header('cache-control', 'public, max-age=3600').send(send(ServicePatternSchema)));
  app.get('/schemas/service-pattern-bundle.json', { schema: { hide: true } as object }, async (_req, reply) => reply.header('cache-control', 'public, max-age=3600').send(send(PatternBundleSchema)));
}

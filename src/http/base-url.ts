import type { FastifyRequest } from 'fastify';
import type { Config } from '../config/schema.ts';

/** Where clients reach Pipework, for links in responses: PUBLIC_URL, else this request's scheme and Host (X-Forwarded-* behind TRUST_PROXY). */
export const baseUrl = (config: Pick<Config, 'publicUrl'>, req: FastifyRequest) => config.publicUrl || `${req.protocol}://${req.host}`;

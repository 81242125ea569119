import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

// Query parameters that carry a secret: an Open311 api_key may arrive in the query string.
const SECRET_PARAMS = /([?&](?:api_key|key|token)=)[^&#]*/gi;

/** A URL as it may be written to the log: secrets in the query string replaced. */
export const redactUrl = (url: string) => url.replace(SECRET_PARAMS, '$1[Redacted]');

/** The request as the log records it (Fastify's default fields, with the URL redacted). */
export function requestForLog(req: FastifyRequest) {
  return {
    method: req.method,
    url: redactUrl(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

/**
 * The access log: one line per request when it has been answered, holding
 * what Fastify's two default lines held (the request; the status and the time
 * taken). Each line is a synchronous write(2); decision 0142.
 */
export class OneLinePerRequest extends LogController {
  override incomingRequest() {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply) {
    const line = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}

import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { PipeworkError } from '../core/errors.ts';
import { closeIfBodyUnread, toPipeworkError } from './errors.ts';

/**
 * The one JSON error shape every JSON surface sends (admin API, back-end
 * inbound calls, anything outside a standard with its own format):
 * `{ "error": { "code", "message", "problems": [{ "field", "message" }] } }`.
 */
export const jsonError = (err: PipeworkError) => ({ error: { code: err.code, message: err.message, problems: err.problems } });

/**
 * A Fastify error handler rendering jsonError (and closing the connection when
 * it refuses before the body was read). A client's mistake keeps its
 * status and message; anything else is a generic 500 whose detail goes to the
 * log only, under `logMessage`.
 *
 * @example app.setErrorHandler(jsonErrorHandler('admin request failed'));
 */
export function jsonErrorHandler(logMessage = 'request failed') {
  return (error: FastifyError | Error, req: FastifyRequest, reply: FastifyReply) => {
    const err = toPipeworkError(error);
    if (err.status >= 500) req.log.error({ err: error }, logMessage);
    closeIfBodyUnread(req, reply);
    return reply.code(err.status).send(jsonError(err));
  };
}

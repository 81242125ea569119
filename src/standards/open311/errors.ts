import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { PipeworkError } from '../../core/errors.ts';
import { toPipeworkError } from '../../http/errors.ts';
import { formatOfUrl, render, send, type Format } from './format.ts';

/** GeoReport v2 "Errors": `<errors><error><code/><description/></error></errors>`, one per problem. */
export function renderErrors(format: Format, err: PipeworkError): string {
  const descriptions = err.problems.length ? err.problems.map((p) => p.message) : [err.message];
  const errors = descriptions.map((description) => ({ code: err.status, description }));
  return render(format, { errors: { error: errors } }, errors);
}

export function open311ErrorHandler(error: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  const err = toPipeworkError(error);
  if (err.status >= 500) req.log.error({ err: error }, 'open311 request failed');
  else req.log.info({ code: err.code, problems: err.problems }, err.message);
  return send(reply, formatOfUrl(req.url), renderErrors(formatOfUrl(req.url), err), err.status);
}

export function open311NotFound(req: FastifyRequest, reply: FastifyReply) {
  const path = req.url.split('?')[0];
  const known = /\/(discovery|services|requests|tokens|servicerequestupdates)(\/[^/]+)?\.\w+$/.test(path);
  const err = known
    ? new PipeworkError('FORMAT_UNSUPPORTED', `Unsupported format in ${path}: use .xml or .json`)
    : new PipeworkError('NOT_FOUND', `No such Open311 resource: ${req.method} ${path}`);
  return send(reply, formatOfUrl(req.url), renderErrors(formatOfUrl(req.url), err), err.status);
}

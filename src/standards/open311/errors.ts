import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { PipeworkError } from '../../core/errors.ts';
import { closeIfBodyUnread, toPipeworkError } from '../../http/errors.ts';
import type { RawRefusal } from '../../http/client-errors.ts';
import { CONTENT_TYPES, formatOfUrl, render, send, type Format } from './format.ts';

/** GeoReport v2 "Errors": `<errors><error><code/><description/></error></errors>`, one per problem. */
export function renderErrors(format: Format, err: PipeworkError): string {
  const descriptions = err.problems.length ? err.problems.map((p) => p.message) : [err.message];
  const errors = descriptions.map((description) => ({ code: err.status, description }));
  return render(format, { errors: { error: errors } }, errors);
}

export const OPEN311_PREFIX = '/open311/';
export const isOpen311Url = (url: string) => url.startsWith(OPEN311_PREFIX);

export function open311ErrorHandler(error: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  const err = toPipeworkError(error);
  if (err.status >= 500) req.log.error({ err: error }, 'open311 request failed');
  else req.log.info({ code: err.code, problems: err.problems }, err.message);
  closeIfBodyUnread(req, reply);
  return send(reply, formatOfUrl(req.url), renderErrors(formatOfUrl(req.url), err), err.status);
}

/** The methods each Open311 resource answers; another method gets 405 with these in `Allow`. */
const METHODS: [RegExp, string[]][] = [
  [/\/(discovery|services|tokens\/[^/]+|services\/[^/]+|requests\/[^/]+)\.(xml|json)\/*$/i, ['GET', 'HEAD']],
  [/\/(requests|servicerequestupdates)\.(xml|json)\/*$/i, ['GET', 'HEAD', 'POST']],
];

export function open311NotFound(req: FastifyRequest, reply: FastifyReply) {
  const path = req.url.split('?')[0];
  const allowed = METHODS.find(([re]) => re.test(path))?.[1];
  const known = /\/(discovery|services|requests|tokens|servicerequestupdates)(\/[^/]+)?\.\w+$/.test(path);
  let err: PipeworkError;
  if (allowed && !allowed.includes(req.method)) {
    reply.header('allow', allowed.join(', '));
    err = new PipeworkError('METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${path}: use ${allowed.filter((m) => m !== 'HEAD').join(' or ')}`);
  } else if (known) {
    err = new PipeworkError('FORMAT_UNSUPPORTED', `Unsupported format in ${path}: use .xml or .json`);
  } else {
    err = new PipeworkError('NOT_FOUND', `No such Open311 resource: ${req.method} ${path}`);
  }
  closeIfBodyUnread(req, reply);
  return send(reply, formatOfUrl(req.url), renderErrors(formatOfUrl(req.url), err), err.status);
}

/** Refusals Node's HTTP parser makes before Fastify runs (414, 431, …), worded for an Open311 path. */
export const open311RawRefusal: RawRefusal = (_method, url, err) => {
  if (!isOpen311Url(url)) return undefined;
  const format = formatOfUrl(url);
  return { contentType: CONTENT_TYPES[format], body: renderErrors(format, err) };
};

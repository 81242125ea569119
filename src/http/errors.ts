import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ERRORS, PipeworkError, type FieldProblem } from '../core/errors.ts';

/**
 * Turns anything thrown while handling a request into a PipeworkError, so each
 * front end renders one kind of error in its own format. Client mistakes keep
 * their 4xx status and a message that says what was wrong; anything else is
 * an INTERNAL error whose detail goes to the log only.
 */
export function toPipeworkError(err: unknown): PipeworkError {
  if (err instanceof PipeworkError) return err;
  const e = err as FastifyError & { validation?: (AjvError & { instancePath: string })[] };
  if (e?.validation) {
    const problems: FieldProblem[] = e.validation.map((v) => {
      const field = (v.params.missingProperty as string) ?? v.instancePath.replace(/^\//, '').replace(/\//g, '.');
      const message = v.params.missingProperty ? `${field} is required` : `${field || 'input'} ${explain(v)}`;
      return { field, message };
    });
    return new PipeworkError('INVALID_INPUT', problems.map((p) => p.message).join('; '), problems);
  }
  // The multipart parser throws plain Errors for bodies a client got wrong.
  if (MULTIPART_CLIENT_ERRORS.test(e?.message ?? '')) return new PipeworkError('INVALID_INPUT', `The multipart body could not be read: ${e.message}`);
  const status = e?.statusCode ?? 500;
  if (status === 413 || e?.code === 'FST_REQ_FILE_TOO_LARGE') return new PipeworkError('BODY_TOO_LARGE', clientMessage(e, ERRORS.BODY_TOO_LARGE.message));
  if (status === 415) return new PipeworkError('UNSUPPORTED_MEDIA_TYPE', clientMessage(e, ERRORS.UNSUPPORTED_MEDIA_TYPE.message));
  if (status === 429) return new PipeworkError('RATE_LIMITED');
  if (status >= 400 && status < 500) return new PipeworkError('INVALID_INPUT', clientMessage(e, 'The request could not be read'));
  return new PipeworkError('INTERNAL');
}

const MULTIPART_CLIENT_ERRORS = /^(Multipart: Boundary not found|Unexpected end of (form|multipart data)|Malformed part header)$/;

type AjvError = { keyword?: string; message?: string; params: Record<string, unknown> };

/** Ajv's terse messages, said the way a person reading an API error expects. */
function explain(v: AjvError): string {
  if (v.keyword === 'type') return `must be ${v.params.type === 'integer' ? 'a whole number' : `a ${v.params.type}`}`;
  if (v.keyword === 'format' && v.params.format === 'date-time') return 'must be a date and time with a time zone, such as 2026-01-31T09:00:00Z';
  if (v.keyword === 'maxLength') return `must be ${v.params.limit} characters or fewer`;
  if (v.keyword === 'maximum' || v.keyword === 'minimum') return `must be ${v.keyword === 'maximum' ? 'at most' : 'at least'} ${v.params.limit}`;
  return v.message ?? 'is not valid';
}

// Fastify's own 4xx messages describe the client's mistake; strip its internal prefixes.
const clientMessage = (e: FastifyError, fallback: string) => (e?.message ? e.message.replace(/^FST_\w+:\s*/, '') : fallback);

/**
 * A refusal sent before the client's body was read (a 403 before the photos, a 413) closes the
 * connection: advertising keep-alive would leave the rest of the upload to be read or to hang.
 */
export function closeIfBodyUnread(req: FastifyRequest, reply: FastifyReply) {
  if (req.raw.complete === false) reply.header('connection', 'close');
}

import { Type, type Static } from '@sinclair/typebox';
import { createRequire } from 'node:module';
import type nodemailerType from 'nodemailer';
import { DeliveryError, type Backend, type BackendDeps } from '../port.ts';
import { StatusMap } from '../config.ts';
import { requestEmail, updateEmail } from './render.ts';

const Email = Type.String({ pattern: '^[^\\s@]+@[^\\s@]+$', description: 'An email address' });

export const EmailConfig = Type.Object(
  {
    to: Email,
    from: Email,
    subjectPrefix: Type.String({ default: '[Pipework]' }),
    smtp: Type.Object(
      {
        host: Type.String({ minLength: 1 }),
        port: Type.Integer({ minimum: 1, maximum: 65535, default: 587 }),
        /** true: TLS from the start (port 465); false: STARTTLS when the server offers it. */
        secure: Type.Boolean({ default: false }),
        user: Type.Optional(Type.String()),
        pass: Type.Optional(Type.String()),
        /** Refuse to send unless STARTTLS succeeds. */
        requireTLS: Type.Boolean({ default: false }),
      },
      { additionalProperties: false },
    ),
    statusMap: StatusMap,
  },
  { additionalProperties: false },
);
export type EmailConfig = Static<typeof EmailConfig>;

/**
 * A clear, structured email per request to a back-office mailbox (plain text
 * and HTML, the reference in the subject, every answer, the location, photos
 * as links): the fallback that works with any team that has a mailbox. The
 * Message-ID is derived from the job's idempotency key, so a mail system (or
 * a person) can spot a re-send. Status does not come back by email.
 */
// Loaded when an email back-end is made, not at start (decision 0143).
const require = createRequire(import.meta.url);

export function emailBackend(name: string, config: EmailConfig, deps: BackendDeps): Backend {
  const nodemailer = require('nodemailer') as typeof nodemailerType;
  const transport = nodemailer.createTransport({
    host: config.smtp.host,
    port: config.smtp.port,
    secure: config.smtp.secure,
    requireTLS: config.smtp.requireTLS,
    auth: config.smtp.user ? { user: config.smtp.user, pass: config.smtp.pass ?? '' } : undefined,
    connectionTimeout: deps.timeoutMs,
    greetingTimeout: deps.timeoutMs,
    socketTimeout: deps.timeoutMs,
  });
  const send = async (mail: { subject: string; text: string; html: string }, key: string, extra: Record<string, string> = {}) => {
    try {
      await transport.sendMail({ from: config.from, to: config.to, ...mail, messageId: `<${key}@pipework>`, headers: { 'Idempotency-Key': key, ...extra } });
    } catch (e) {
      const err = e as Error & { responseCode?: number; code?: string };
      // 5xx replies are permanent (mailbox does not exist, message refused): retrying cannot help.
      const permanent = typeof err.responseCode === 'number' && err.responseCode >= 500;
      throw new DeliveryError(`SMTP ${config.smtp.host}:${config.smtp.port}: ${err.responseCode ?? err.code ?? ''} ${err.message}`.trim(), !permanent);
    }
  };
  return {
    name,
    kind: 'email',
    statusUpdates: 'none',
    // A repeat after a lost SMTP answer is a second email, with the same Message-ID and Idempotency-Key header to spot it by.
    guarantee: 'at-least-once',
    statusMap: config.statusMap ?? {},
    async deliverRequest(job) {
      // The request's Open311 id (residents track it by their own reference, which the web shows them).
      const reference = job.request.id;
      await send(requestEmail(job, reference, config.subjectPrefix ?? '[Pipework]'), job.idempotencyKey, { 'X-Pipework-Reference': reference });
      return { reference };
    },
    async deliverUpdate(job) {
      await send(updateEmail(job, config.subjectPrefix ?? '[Pipework]'), job.idempotencyKey, { 'X-Pipework-Reference': job.reference });
      return {};
    },
    async health() {
      try {
        await transport.verify();
        return { ok: true, detail: `SMTP ${config.smtp.host}:${config.smtp.port} answers` };
      } catch (e) {
        return { ok: false, detail: `SMTP ${config.smtp.host}:${config.smtp.port}: ${(e as Error).message}` };
      }
    },
    async close() {
      transport.close();
    },
  };
}

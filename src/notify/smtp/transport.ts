import { createRequire } from 'node:module';
import type nodemailerType from 'nodemailer';

// Loaded when an SMTP transport is made (about 10 MB of RSS otherwise carried by every process; decision 0143).
const require = createRequire(import.meta.url);
import type { Transport } from '../transport.ts';
import { SendError } from '../transport.ts';

/**
 * Residents' emails over SMTP (nodemailer). The Message-ID is the job's key,
 * so a message sent again after a lost reply is recognisably the same one; a
 * List-Unsubscribe header carries the report's stop link (one click, RFC 8058).
 *
 * @example const smtp = smtpTransport('smtp://127.0.0.1:2525', 'reports@example.gov.uk');
 */
export function smtpTransport(url: string, from: string, timeoutMs = 10_000): Transport {
  const nodemailer = require('nodemailer') as typeof nodemailerType;
  const mailer = nodemailer.createTransport(url, { connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs });
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'pipework.invalid';
  return {
    name: 'smtp',
    channels: ['email'],
    async send(m) {
      try {
        const info = await mailer.sendMail({
          from,
          to: m.to,
          subject: m.subject,
          text: m.text,
          messageId: `<${m.key}@${domain}>`,
          headers: {
            'List-Unsubscribe': `<${m.stopUrl}>`,
            'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
            // So mail clients and screen readers read Welsh as Welsh.
            'Content-Language': m.language === 'cy' ? 'cy-GB' : 'en-GB',
          },
        });
        return { ref: info.messageId };
      } catch (err) {
        const e = err as { responseCode?: number; message?: string };
        // 5xx is the server's final word on this message (RFC 5321 §4.2.1); anything else may pass later.
        throw new SendError(e.message ?? String(err), typeof e.responseCode === 'number' && e.responseCode >= 500);
      }
    },
    async close() {
      mailer.close();
    },
  };
}

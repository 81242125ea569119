import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { emailBackend } from './index.ts';
import { sampleJob } from '../../../test/support/backend-contract.ts';
import { DeliveryError } from '../port.ts';

async function smtp(options: { rejectRecipient?: boolean } = {}) {
  const mails: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _s, cb) {
      if (options.rejectRecipient) return cb(Object.assign(new Error(`No such mailbox ${address.address}`), { responseCode: 550 }));
      cb();
    },
    onData(stream, _s, done) {
      simpleParser(stream).then((m) => (mails.push(m), done()), done);
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.server.address() as AddressInfo).port;
  const backend = emailBackend('bo', { to: 'highways@example.gov.uk', from: 'pipework@example.gov.uk', subjectPrefix: '[Example]', smtp: { host: '127.0.0.1', port, secure: false, requireTLS: false } }, { timeoutMs: 2000 });
  return { mails, backend, close: async () => (await backend.close?.(), await new Promise<void>((r) => server.close(() => r()))) };
}

test('the email is structured: reference in the subject, every answer, location, photos as links, text and HTML', async () => {
  const s = await smtp();
  try {
    const job = sampleJob({ request: { ...sampleJob().request, id: '4242', description: 'Deep <b>hole</b>', attributes: { depth: 'deep', hazards: ['glass', 'oil'] } } });
    const { reference } = await s.backend.deliverRequest(job);
    assert.equal(reference, 'PW-4242');
    const [m] = s.mails;
    assert.equal(m.subject, '[Example] PW-4242: Pothole at 1 High Street, Example');
    assert.equal(m.messageId, `<${job.idempotencyKey}@pipework>`);
    for (const line of ['Reference: PW-4242', 'Description: Deep <b>hole</b>', 'depth: deep', 'hazards: glass, oil', 'Location: 1 High Street, Example · 51.5072, -0.1276', 'Photo 1: http://pipework.test/media/abc.jpg', 'Reported by: Ada Lovelace · ada@example.org']) {
      assert.ok(m.text!.includes(line), `text has "${line}"`);
    }
    assert.ok(m.html && m.html.includes('Deep &lt;b&gt;hole&lt;/b&gt;'), 'HTML escapes what residents typed');
    assert.ok((m.html as string).includes('<a href="http://pipework.test/media/abc.jpg">'));
  } finally {
    await s.close();
  }
});

test('a mailbox that refuses the message (SMTP 5xx) is a permanent failure', async () => {
  const s = await smtp({ rejectRecipient: true });
  try {
    const err = await s.backend.deliverRequest(sampleJob()).catch((e) => e);
    assert.ok(err instanceof DeliveryError);
    assert.equal(err.retryable, false);
    assert.match(err.message, /550/);
  } finally {
    await s.close();
  }
});

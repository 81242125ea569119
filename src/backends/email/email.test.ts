import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { emailBackend } from './index.ts';
import { sampleJob } from '../../../test/support/backend-contract.ts';
import { DeliveryError } from '../port.ts';
import { relayWorld, until } from '../../../test/support/delivery-world.ts';
import { saveBackend } from '../../routing/manage.ts';
import { webClient, requestIdOf } from '../../../test/support/web.ts';

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
  return { mails, backend, server, close: async () => (await backend.close?.(), await new Promise<void>((r) => server.close(() => r()))) };
}

const depth = { code: 'depth', datatype: 'singlevaluelist' as const, required: true, variable: true, order: 1, description: 'How deep is the pothole?', values: [{ key: 'deep', name: 'More than 10cm' }] };
const hazards = { code: 'hazards', datatype: 'multivaluelist' as const, required: false, variable: true, order: 2, description: 'What else is there?', values: [{ key: 'glass', name: 'Broken glass' }, { key: 'oil', name: 'Oil' }] };

test('the email is structured: reference in the subject, every answer under its question, location, photos as links, text and HTML', async () => {
  const s = await smtp();
  try {
    const job = sampleJob({
      questions: [hazards, depth],
      request: { ...sampleJob().request, id: '4242', description: 'Deep <b>hole</b>', attributes: { hazards: ['glass', 'oil'], fixmystreet_id: '77', depth: 'deep' } },
    });
    const { reference } = await s.backend.deliverRequest(job);
    assert.equal(reference, '4242', 'the reference the resident was given');
    const [m] = s.mails;
    assert.equal(m.subject, '[Example] Report 4242: Pothole at 1 High Street, Example');
    assert.equal(m.messageId, `<${job.idempotencyKey}@pipework>`);
    const lines = ['Reference: 4242', 'Description: Deep <b>hole</b>', 'How deep is the pothole?: More than 10cm', 'What else is there?: Broken glass, Oil', 'fixmystreet_id: 77', 'Location: 1 High Street, Example · 51.5072, -0.1276', 'Photo 1: http://pipework.test/media/abc.jpg', 'Reported by: Ada Lovelace · ada@example.org'];
    for (const line of lines) assert.ok(m.text!.includes(line), `text has "${line}"`);
    // Answers in the service's order; extras the service does not define last.
    assert.ok(m.text!.indexOf('How deep') < m.text!.indexOf('What else') && m.text!.indexOf('What else') < m.text!.indexOf('fixmystreet_id'));
    assert.doesNotMatch(m.text!, /^depth:|^hazards:|: deep$|glass, oil/m, 'no raw codes');
    assert.ok(m.html && m.html.includes('Deep &lt;b&gt;hole&lt;/b&gt;'), 'HTML escapes what residents typed');
    assert.ok((m.html as string).includes('<a href="http://pipework.test/media/abc.jpg">'));
  } finally {
    await s.close();
  }
});

test('a report made on the web reaches the mailbox with its questions in words and the reference the resident saw', async () => {
  const s = await smtp();
  const world = await relayWorld();
  try {
    const port = (s.server.server.address() as AddressInfo).port;
    await saveBackend(world.store, { name: 'mailbox', kind: 'email', config: { to: 'highways@example.gov.uk', from: 'pipework@example.gov.uk', subjectPrefix: '[Example]', smtp: { host: '127.0.0.1', port, secure: false, requireTLS: false } } }, 'test');
    await world.route('pothole', 'mailbox');
    const web = webClient(world.app);
    await web.get('/report/pothole/question/depth');
    await web.post('/report/pothole/question/depth', { answer: 'deep' });
    await web.get('/report/pothole/question/position');
    await web.post('/report/pothole/question/position', { answer: 'junction' });
    await web.get('/report/pothole/location');
    await web.post('/report/pothole/location', { address: '12 High Street', postcode: '', lat: '', long: '' });
    await web.get('/report/pothole/check');
    const sent = await web.post('/report/pothole/check', {});
    const shown = /id="reference">([2-9A-Z-]{9})</.exec((await web.get(sent.headers.location as string)).body)![1];
    // The back office gets the request's Open311 id; the resident tracks it by the reference they were shown.
    const reference = (await requestIdOf(world.store, shown))!;
    world.relay();
    await until(() => s.mails.length > 0, 10_000, 'the email');
    const [m] = s.mails;
    assert.equal(m.subject, `[Example] Report ${reference}: Pothole at 12 High Street`);
    for (const line of [`Reference: ${reference}`, 'How deep is the pothole?: More than 10cm', 'Where on the road is it?: At a junction']) assert.ok(m.text!.includes(line), `text has "${line}"`);
    const track = await world.app.inject({ url: `/track?reference=${shown}`, headers: { accept: 'text/html' } });
    assert.equal(track.statusCode, 200, 'the resident reference finds the report on /track');
  } finally {
    await world.close();
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

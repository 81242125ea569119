import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { relayWorld, until } from '../../test/support/delivery-world.ts';
import { smtpPeer } from '../../test/support/smtp-peer.ts';
import { webClient, residentReference, requestIdOf } from '../../test/support/web.ts';
import { staffClient, staffUser } from '../../test/support/staff.ts';
import { submitRequest } from '../core/requests/submit.ts';
import { recordUpdate } from '../core/requests/record-update.ts';
import type { NewRequestUpdate } from '../core/requests/request.ts';
import type { Store } from '../core/store.ts';
import { NotificationSender } from './sender.ts';
import { senderOptions, transportsFor } from './start.ts';
import { setMessageTemplate } from '../core/notifications/manage-templates.ts';
import { publishServiceVersion, saveServiceDraft } from '../patterns/edit.ts';

// Residents' emails over a real SMTP server on 127.0.0.1, on whichever dialect DATABASE_URL names.

type World = Awaited<ReturnType<typeof relayWorld>>;
let w: World;
let smtp: Awaited<ReturnType<typeof smtpPeer>>;
const senders: NotificationSender[] = [];
const quiet = { warn() {}, error() {} };
const startSender = (s: Store = w.store) => {
  const sender = new NotificationSender(s, transportsFor(w.config), senderOptions(w.config), quiet);
  senders.push(sender);
  sender.start();
  return sender;
};

before(async () => {
  smtp = await smtpPeer();
  w = await relayWorld({ smtpUrl: smtp.url, mailFrom: 'Example Borough Council <reports@example.gov.uk>', notificationsPollMs: 20, notificationsBackoffMs: 5 });
  startSender();
});
after(async () => {
  for (const s of senders) await s.stop();
  await w.close();
  await smtp.close();
});

let n = 0;
const submit = (contact: object) =>
  submitRequest(w.store, {
    jurisdictionId: 'example',
    serviceCode: 'pothole',
    description: 'Deep hole',
    attributes: { depth: 'deep' },
    location: { lat: '51.5', long: '-0.12' },
    contact: { email: `resident${++n}@example.org`, ...contact },
    mediaUrls: [],
    source: 'test',
  });
const staff = (requestId: string, over: Partial<NewRequestUpdate>): NewRequestUpdate => ({
  requestId, jurisdictionId: 'example', status: 'unchanged', description: '', mediaUrls: [], authorKind: 'staff', contact: {}, ...over,
});
const mailsTo = async (address: string, count: number) => {
  await until(() => smtp.to(address).length >= count, 10_000, `${count} email(s) to ${address}`);
  return smtp.to(address);
};
/** A report whose confirmation has arrived: an update's email queued with it could reach SMTP first, in the same sending round. */
const submitConfirmed = async (contact: object) => {
  const r = await submit(contact);
  await mailsTo(`resident${n}@example.org`, 1);
  return r;
};
const settled = async (requestId: string) => until(async () => (await w.store.notifications.forRequest(requestId)).every((j) => !['pending', 'in_flight'].includes(j.state)), 10_000, 'messages settled');

test('a report made on the Welsh web journey gets its confirmation in Welsh, with the reference, the target and a stop link', async () => {
  const web = webClient(w.app);
  await web.get('/report/pothole?lang=cy');
  await web.get('/report/pothole/question/depth');
  await web.post('/report/pothole/question/depth', { answer: 'deep' });
  await web.post('/report/pothole/question/width_cm', { answer: '45' });
  await web.post('/report/pothole/question/position', { answer: 'junction' });
  await web.post('/report/pothole/details', { description: 'Twll dwfn' });
  await web.post('/report/pothole/location', { address: '12 Stryd Fawr', postcode: 'ab1 2cd', lat: '', long: '' });
  await web.post('/report/pothole/contact', { firstName: 'Siân', email: 'sian@example.org' });
  await web.get('/report/pothole/check');
  const sent = await web.post('/report/pothole/check', {});
  assert.equal(sent.statusCode, 303);
  const reference = /<strong id="reference">([2-9A-Z]{4}-[2-9A-Z]{4})</.exec((await web.get('/report/pothole/confirmation')).body)?.[1];
  assert.ok(reference);
  const id = (await requestIdOf(w.store, reference))!;
  const [mail] = await mailsTo('sian@example.org', 1);
  await settled(id);
  const [job] = await w.store.notifications.forRequest(id);
  // The service named in Welsh too: the pattern gives its Welsh name.
  assert.equal(mail.subject, `Adroddiad ${reference} wedi dod i law: Twll yn y ffordd`);
  assert.match(mail.text!, new RegExp(`Eich cyfeirnod yw ${reference}\\.`));
  assert.match(mail.text!, /Nod y cyngor yw delio ag ef erbyn \d+ \S+ 20\d\d\./);
  assert.match(mail.text!, new RegExp(`http://pipework.test/track\\?reference=${reference}`));
  assert.match(mail.text!, /http:\/\/pipework.test\/updates\/stop\/[A-Za-z0-9_-]{32}/);
  assert.equal(mail.messageId, `<${job.idempotencyKey}@example.gov.uk>`);
  assert.equal(mail.headers.get('content-language'), 'cy-GB');
  assert.match(mail.headerLines.find((h) => h.key === 'list-unsubscribe')?.line ?? '', /<http:\/\/pipework.test\/updates\/stop\/[A-Za-z0-9_-]+>/);
  assert.deepEqual([job.kind, job.channel, job.state, job.sender], ['confirmation', 'email', 'sent', 'smtp']);
});

test('a status change the pattern marks notify: true emails the resident in their language; one it does not mark, and an internal note, do not', async () => {
  const en = await submitConfirmed({});
  const cy = await submitConfirmed({ language: 'cy' });
  for (const r of [en, cy]) {
    await recordUpdate(w.store, staff(r.id, { status: 'investigating', description: 'An inspector is going' })); // open → investigating: notify false
    await recordUpdate(w.store, staff(r.id, { description: 'Resident called twice', internal: true }));
    await recordUpdate(w.store, staff(r.id, { status: 'action_scheduled', description: 'Booked for Tuesday' })); // notify: true
    await settled(r.id);
  }
  const [enMails, cyMails] = [smtp.to(`resident${n - 1}@example.org`), smtp.to(`resident${n}@example.org`)];
  // English uses the pattern's own label and description of the status; Welsh the pattern's Welsh label (its `cy` block).
  const [enRef, cyRef] = [await residentReference(w.store, en.id), await residentReference(w.store, cy.id)];
  assert.deepEqual(enMails.map((m) => m.subject), [`Report ${enRef} received: Pothole`, `Report ${enRef}: Repair scheduled`]);
  assert.match(enMails[1].text!, /is now: Repair scheduled\. The work is booked with our contractor\./);
  assert.deepEqual(cyMails.map((m) => m.subject), [`Adroddiad ${cyRef} wedi dod i law: Twll yn y ffordd`, `Adroddiad ${cyRef}: Trwsio wedi’i drefnu`]);
  assert.match(enMails[1].text!, /Booked for Tuesday/);
  assert.ok(!smtp.mails.some((m) => m.text?.includes('Resident called twice')), 'an internal note is never sent');
});

test('the council\'s public reply is emailed; the resident\'s own comment and a flagged change are not', async () => {
  const r = await submit({});
  const to = `resident${n}@example.org`;
  await recordUpdate(w.store, staff(r.id, { description: 'Thanks, we will look this week' }));
  await recordUpdate(w.store, staff(r.id, { authorKind: 'resident', description: 'It is getting bigger' }));
  await recordUpdate(w.store, staff(r.id, { authorKind: 'backend', status: 'in_progress', description: 'Not allowed from open' }));
  await settled(r.id);
  assert.deepEqual(smtp.to(to).map((m) => m.subject), [`Report ${await residentReference(w.store, r.id)} received: Pothole`, `Report ${await residentReference(w.store, r.id)}: a reply from Example Borough Council`]);
  assert.match(smtp.to(to)[1].text!, /Thanks, we will look this week/);
});

test('the stop link asks first, then stops every further email about that report, queued ones included', async () => {
  const r = await submit({});
  const to = `resident${n}@example.org`;
  const [confirmation] = await mailsTo(to, 1);
  const link = /http:\/\/pipework.test(\/updates\/stop\/[A-Za-z0-9_-]+)/.exec(confirmation.text!)![1];
  const web = webClient(w.app);
  const ask = await web.get(link);
  assert.equal(ask.statusCode, 200);
  assert.match(ask.body, new RegExp(`Stop updates about report ${await residentReference(w.store, r.id)}`));
  assert.equal((await w.store.notifications.noticeByToken(link.split('/').at(-1)!))?.stoppedAt, undefined, 'opening the link changes nothing');
  // A mail client's one-click unsubscribe (RFC 8058) posts with no session and no CSRF token.
  const stop = await w.app.inject({ method: 'POST', url: link, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
  assert.equal(stop.statusCode, 200);
  assert.match(stop.body, /Updates stopped/);
  await recordUpdate(w.store, staff(r.id, { status: 'action_scheduled', description: 'Booked' }));
  await recordUpdate(w.store, staff(r.id, { description: 'A reply' }));
  await new Promise((res) => setTimeout(res, 200));
  assert.equal(smtp.to(to).length, 1, 'no email after stopping');
  assert.equal((await web.get('/updates/stop/not-a-real-token-at-all')).statusCode, 404);
});

test('a refusal for now (4xx) is retried and the email arrives once; a permanent one (5xx) is recorded against the request', async () => {
  smtp.refuse(451, 2);
  const a = await submit({});
  const toA = `resident${n}@example.org`;
  await settled(a.id);
  const [jobA] = await w.store.notifications.forRequest(a.id);
  assert.equal(jobA.state, 'sent');
  assert.equal(jobA.attempts, 3);
  assert.equal(smtp.to(toA).length, 1);
  smtp.refuse(550);
  const b = await submit({});
  await settled(b.id);
  const [jobB] = await w.store.notifications.forRequest(b.id);
  assert.equal(jobB.state, 'failed');
  assert.equal(jobB.attempts, 1);
  assert.match(jobB.lastError!, /550/);
  const listed = await w.app.inject({ url: `/admin/api/notifications?request_id=${b.id}`, headers: { authorization: `Bearer ${w.adminKey}` } });
  assert.equal(listed.statusCode, 200);
  assert.equal(listed.json().notifications[0].state, 'failed');
  // Staff see it on the case.
  await staffUser(w.store, 'olu@example.gov.uk', 'officer', 'example', 'Olu Officer');
  const officer = staffClient(w.app);
  await officer.signIn('olu@example.gov.uk');
  const page = await officer.get(`/staff/requests/${b.id}`);
  assert.match(page.body, /Resident could not be emailed \(confirmation\)[\s\S]*Not sent[\s\S]*550/);
});

test('20 reports at once with two senders running: 20 confirmations, each sent exactly once', async () => {
  startSender();
  const made = await Promise.all(Array.from({ length: 20 }, () => submit({})));
  await Promise.all(made.map((r) => settled(r.id)));
  for (let i = n - 19; i <= n; i++) assert.equal(smtp.to(`resident${i}@example.org`).length, 1);
  const keys = smtp.mails.map((m) => m.messageId);
  assert.equal(new Set(keys).size, keys.length, 'no Message-ID twice');
});

test('no one is emailed who gave no email address, and a text needs a mobile number and the wish for texts', async () => {
  const none = await submitRequest(w.store, { jurisdictionId: 'example', serviceCode: 'pothole', description: 'x', attributes: { depth: 'deep' }, location: { lat: '51.5', long: '-0.12' }, contact: { phone: '07700 900123' }, mediaUrls: [], source: 'test' });
  assert.deepEqual(await w.store.notifications.forRequest(none.id), []);
  const texts = await submit({ phone: '07700 900123', textUpdates: true });
  const landline = await submit({ phone: '01632 960123', textUpdates: true });
  assert.deepEqual((await w.store.notifications.forRequest(texts.id)).map((j) => j.channel).sort(), ['email', 'sms']);
  assert.deepEqual((await w.store.notifications.forRequest(landline.id)).map((j) => j.channel), ['email']);
  // Only SMTP is configured here: the text is skipped, and says why.
  await settled(texts.id);
  const sms = (await w.store.notifications.forRequest(texts.id)).find((j) => j.channel === 'sms')!;
  assert.deepEqual([sms.state, sms.lastError], ['skipped', 'no sender for sms is configured']);
});

test('a report from an Open311 client is not messaged: the client (FixMyStreet) tells its own users', async () => {
  const res = await w.app.inject({
    method: 'POST',
    url: '/open311/v2/requests.json',
    payload: new URLSearchParams({ api_key: w.clientKey, jurisdiction_id: 'example', service_code: 'pothole', lat: '51.5', long: '-0.12', description: 'Hole', email: 'fms-user@example.org', 'attribute[depth]': 'deep' }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(res.statusCode, 200, res.body);
  const id = res.json()[0].service_request_id;
  assert.deepEqual(await w.store.notifications.forRequest(id), []);
  assert.equal((await w.store.requests.contact('example', id))?.email, 'fms-user@example.org');
});

test("a council's own words, per service and language, replace the defaults; the stop link stays in every email", async () => {
  const clock = { now: () => new Date() };
  await setMessageTemplate(w.store, 'example', { kind: 'confirmation', channel: 'email', language: 'en', subject: 'We have your report ((reference))', body: 'Thanks. ((council)) will look at it. Track: ((track_url))' }, 'test', clock);
  await setMessageTemplate(w.store, 'example', { serviceCode: 'pothole', kind: 'confirmation', channel: 'email', language: 'cy', subject: 'Twll yn y ffordd ((reference))', body: 'Diolch. ((stop_url))' }, 'test', clock);
  try {
    const en = await submit({});
    const cy = await submit({ language: 'cy' });
    const [enMail] = await mailsTo(`resident${n - 1}@example.org`, 1);
    const [cyMail] = await mailsTo(`resident${n}@example.org`, 1);
    assert.equal(enMail.subject, `We have your report ${await residentReference(w.store, en.id)}`);
    assert.match(enMail.text!, /^Thanks\. Example Borough Council will look at it\. Track: http:\/\/pipework\.test\/track\?reference=[A-Z0-9-]+\n\nWe email you when your report is updated\. To stop emails about this report: http:\/\/pipework\.test\/updates\/stop\//);
    assert.equal(cyMail.subject, `Twll yn y ffordd ${await residentReference(w.store, cy.id)}`);
    assert.match(cyMail.text!, /^Diolch\. http:\/\/pipework\.test\/updates\/stop\/[A-Za-z0-9_-]+\s*$/, 'named once, not added again');
  } finally {
    for (const language of ['en', 'cy'] as const) for (const serviceCode of ['', 'pothole']) await w.store.messageTemplates.remove({ jurisdictionId: 'example', serviceCode, kind: 'confirmation', channel: 'email', language });
  }
});

test('a Welsh resident is told in the council\'s Welsh name; English residents in its English one', async () => {
  const council = (await w.store.councils.get('example'))!;
  const { version, ...rest } = council;
  await w.store.councils.update({ ...rest, welshName: 'Cyngor Bwrdeistref Enghraifft' }, version);
  try {
    const [en, cy] = [await submitConfirmed({}), await submitConfirmed({ language: 'cy' })];
    for (const r of [en, cy]) {
      await recordUpdate(w.store, staff(r.id, { description: 'Diolch / Thanks' }));
      await settled(r.id);
    }
    const [enMails, cyMails] = [smtp.to(`resident${n - 1}@example.org`), smtp.to(`resident${n}@example.org`)];
    assert.equal(cyMails[1].subject, `Adroddiad ${await residentReference(w.store, cy.id)}: ateb gan Cyngor Bwrdeistref Enghraifft`);
    assert.equal(enMails[1].subject, `Report ${await residentReference(w.store, en.id)}: a reply from Example Borough Council`);
  } finally {
    const now = (await w.store.councils.get('example'))!;
    const { version: v, ...back } = now;
    await w.store.councils.update({ ...back, welshName: council.welshName }, v);
  }
});

test("once the pattern has Welsh words, a Welsh resident's status email uses its Welsh label, description and service name; English keeps the English", async () => {
  // Last in this file: it moves the shared pothole service onto a version with Welsh wording.
  const draft = await saveServiceDraft(w.store, 'example', 'pothole', {
    nameCy: 'Twll yn y ffordd',
    statuses: { action_scheduled: { labelCy: 'Trwsio wedi’i drefnu', descriptionCy: 'Mae’r gwaith wedi’i drefnu gyda’n contractwr.' } },
  });
  await publishServiceVersion(w.store, 'example', 'pothole', draft.version);
  const en = await submitConfirmed({});
  const cy = await submitConfirmed({ language: 'cy' });
  for (const r of [en, cy]) {
    await recordUpdate(w.store, staff(r.id, { status: 'action_scheduled', description: '' }));
    await settled(r.id);
  }
  const [enMail, cyMail] = [smtp.to(`resident${n - 1}@example.org`)[1], smtp.to(`resident${n}@example.org`)[1]];
  const [enRef, cyRef] = [await residentReference(w.store, en.id), await residentReference(w.store, cy.id)];
  assert.equal(enMail.subject, `Report ${enRef}: Repair scheduled`);
  assert.match(enMail.text!, /^Your report about a Pothole problem is now: Repair scheduled\. The work is booked with our contractor\.\n/);
  assert.equal(cyMail.subject, `Adroddiad ${cyRef}: Trwsio wedi’i drefnu`);
  assert.match(cyMail.text!, /^Statws eich adroddiad am broblem Twll yn y ffordd nawr yw: Trwsio wedi’i drefnu\. Mae’r gwaith wedi’i drefnu gyda’n contractwr\.\n/);
  assert.ok(!/booked with our contractor/.test(cyMail.text!), 'no English in the Welsh email');
  // A status the pattern has no Welsh for is named with Pipework's own Welsh, without the English description.
  await recordUpdate(w.store, staff(cy.id, { status: 'fixed', description: '' }));
  await settled(cy.id);
  const [fixed] = (await mailsTo(`resident${n}@example.org`, 3)).slice(2);
  assert.equal(fixed.subject, `Adroddiad ${cyRef}: Wedi’i drwsio`);
  assert.match(fixed.text!, /nawr yw: Wedi’i drwsio\.\n/);
});

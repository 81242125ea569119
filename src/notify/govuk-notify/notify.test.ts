import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { relayWorld, until } from '../../../test/support/delivery-world.ts';
import { notifyStandIn } from '../../../test/support/notify-stand-in.ts';
import { submitRequest } from '../../core/requests/submit.ts';
import { recordUpdate } from '../../core/requests/record-update.ts';
import { NotificationSender } from '../sender.ts';
import { residentReference, requestIdOf, webClient } from '../../../test/support/web.ts';
import { senderOptions, transportsFor } from '../start.ts';
import notifyClient from 'notifications-node-client';
import { publishServiceVersion, saveServiceDraft } from '../../patterns/edit.ts';

// Residents' emails and texts through GOV.UK Notify's own client, pointed at a
// local stand-in of its API, on whichever dialect DATABASE_URL names.

const TEMPLATES = {
  'e-confirm': { type: 'email' as const, subject: 'Report ((reference)) received', body: '((service)): ((track_url)) Stop: ((stop_url))' },
  'e-status-en': { type: 'email' as const, subject: 'Report ((reference)): ((status))', body: '((reply))' },
  'e-status-cy': { type: 'email' as const, subject: 'Adroddiad ((reference)): ((status))', body: '((reply))' },
  'e-reply': { type: 'email' as const, subject: 'Reply ((reference))', body: '((reply)) ((case_officer))' },
  's-confirm': { type: 'sms' as const, body: 'Report ((reference)) received. ((track_url))' },
};
const CALLBACK_TOKEN = 'callback-token-0123456789abcdef';

type World = Awaited<ReturnType<typeof relayWorld>>;
let w: World;
let notify: Awaited<ReturnType<typeof notifyStandIn>>;
let sender: NotificationSender;
before(async () => {
  notify = await notifyStandIn({ templates: TEMPLATES });
  w = await relayWorld({
    notifyApiKey: notify.apiKey,
    notifyBaseUrl: notify.url,
    notifyTemplates: { email: { confirmation: 'e-confirm', status: { en: 'e-status-en', cy: 'e-status-cy' }, reply: 'e-reply' }, sms: { confirmation: 's-confirm' } },
    notifyCallbackToken: CALLBACK_TOKEN,
    publicUrl: 'https://pipework.test',
    notificationsPollMs: 20,
    notificationsBackoffMs: 5,
  });
  const address = await w.app.listen({ port: 0, host: '127.0.0.1' });
  notify.setCallback(`${address}/notifications/receipts/govuk-notify`, CALLBACK_TOKEN);
  sender = new NotificationSender(w.store, transportsFor(w.config), senderOptions(w.config), { warn() {}, error() {} });
  sender.start();
});
after(async () => {
  await sender.stop();
  await w.close();
  await notify.close();
});

let n = 0;
const submit = (contact: object = {}) =>
  submitRequest(w.store, {
    jurisdictionId: 'example', serviceCode: 'pothole', description: 'Deep hole', attributes: { depth: 'deep' },
    location: { lat: '51.5', long: '-0.12' }, contact: { email: `notify${++n}@example.org`, ...contact }, mediaUrls: [], source: 'test',
  });
const settled = (requestId: string) => until(async () => (await w.store.notifications.forRequest(requestId)).every((j) => !['pending', 'in_flight'].includes(j.state)), 10_000, 'messages settled');
const jobs = (requestId: string) => w.store.notifications.forRequest(requestId);

test('the confirmation goes through Notify with its template, personalisation, the job key as reference and the one-click stop URL', async () => {
  const r = await submit();
  await settled(r.id);
  const [job] = await jobs(r.id);
  const sent = notify.sent.filter((s) => s.reference === job.idempotencyKey);
  assert.equal(sent.length, 1);
  assert.deepEqual([sent[0].type, sent[0].to, sent[0].template_id], ['email', `notify${n}@example.org`, 'e-confirm']);
  assert.equal(sent[0].subject, `Report ${await residentReference(w.store, r.id)} received`);
  assert.match(sent[0].body, new RegExp(`^Pothole: https://pipework.test/track\\?reference=${await residentReference(w.store, r.id)} Stop: https://pipework.test/updates/stop/`));
  assert.equal(sent[0].one_click_unsubscribe_url, sent[0].personalisation.stop_url);
  assert.deepEqual([job.state, job.sender, job.externalRef], ['sent', 'govuk-notify', sent[0].id]);
});

test('a text goes only to a resident who gave a mobile number and asked for texts; a Welsh resident gets the Welsh template', async () => {
  const texts = await submit({ phone: '07700 900123', textUpdates: true, language: 'cy' });
  const noWish = await submit({ phone: '07700 900456' });
  await settled(texts.id);
  await settled(noWish.id);
  const sms = notify.sent.filter((s) => s.type === 'sms');
  assert.deepEqual(sms.map((s) => [s.to, s.template_id, s.body]), [['07700 900123', 's-confirm', `Report ${await residentReference(w.store, texts.id)} received. https://pipework.test/track?reference=${await residentReference(w.store, texts.id)}`]]);
  await recordUpdate(w.store, { requestId: texts.id, jurisdictionId: 'example', status: 'action_scheduled', description: 'Dydd Mawrth', mediaUrls: [], authorKind: 'staff', contact: {} });
  await settled(texts.id);
  const status = notify.sent.find((s) => s.template_id === 'e-status-cy');
  assert.equal(status?.subject, `Adroddiad ${await residentReference(w.store, texts.id)}: Trwsio wedi’i drefnu`);
  // No status template for texts is configured: that text fails, recorded, and the email still went.
  const smsStatus = (await jobs(texts.id)).find((j) => j.kind === 'status' && j.channel === 'sms')!;
  assert.equal(smsStatus.state, 'failed');
  assert.match(smsStatus.lastError!, /no GOV.UK Notify sms template for "status"/);
});

test('a 5xx is retried and the message is sent once, whether Notify kept it before failing or not', async () => {
  notify.fail(500);
  const a = await submit();
  await settled(a.id);
  notify.fail(502, { afterStoring: true });
  const b = await submit();
  await settled(b.id);
  for (const r of [a, b]) {
    const [job] = await jobs(r.id);
    assert.equal(job.state, 'sent');
    assert.equal(job.attempts, 2);
    assert.equal(notify.sent.filter((s) => s.reference === job.idempotencyKey).length, 1, 'sent once');
    assert.equal(job.externalRef, notify.sent.find((s) => s.reference === job.idempotencyKey)!.id);
  }
});

test('Notify refusing a message (400) records it against the request and does not retry', async () => {
  const r = await submit();
  await settled(r.id);
  await recordUpdate(w.store, { requestId: r.id, jurisdictionId: 'example', status: 'unchanged', description: 'We will look', mediaUrls: [], authorKind: 'staff', contact: {} });
  await settled(r.id);
  const reply = (await jobs(r.id)).find((j) => j.kind === 'reply')!;
  assert.deepEqual([reply.state, reply.attempts], ['failed', 1]);
  assert.match(reply.lastError!, /400: Missing personalisation: case_officer/);
});

test('delivery receipts with the callback token are recorded; a wrong token is refused', async () => {
  const r = await submit();
  await settled(r.id);
  const [job] = await jobs(r.id);
  assert.equal(await notify.receipt(job.externalRef!, 'delivered', 'wrong-token'), 403);
  assert.equal((await jobs(r.id))[0].receipt, undefined);
  assert.equal(await notify.receipt(job.externalRef!, 'delivered'), 204);
  const after = (await jobs(r.id))[0];
  assert.equal(after.receipt, 'delivered');
  assert.ok(after.receiptAt);
  const bad = await w.app.inject({ method: 'POST', url: '/notifications/receipts/govuk-notify', headers: { authorization: `Bearer ${CALLBACK_TOKEN}` }, payload: { nope: 1 } });
  assert.equal(bad.statusCode, 400);
  const unknown = await w.app.inject({ method: 'POST', url: '/notifications/receipts/govuk-notify', headers: { authorization: `Bearer ${CALLBACK_TOKEN}` }, payload: { id: 'f00', status: 'delivered' } });
  assert.equal(unknown.statusCode, 404);
});

test('the stand-in checks Notify\'s authentication: another service\'s key, and a clock 31 seconds out, are refused', async () => {
  const { NotifyClient } = notifyClient;
  const stranger = new NotifyClient(notify.url, `other-${crypto.randomUUID()}-${crypto.randomUUID()}`);
  await assert.rejects(stranger.sendEmail('e-confirm', 'a@example.org', { personalisation: {} }), (e: { response: { status: number } }) => e.response.status === 403);
  notify.setNow(() => Date.now() + 31_000);
  try {
    const ours = new NotifyClient(notify.url, notify.apiKey);
    await assert.rejects(ours.getNotifications(), (e: { response: { status: number; data: { errors: { message: string }[] } } }) => e.response.status === 403 && /30 seconds/.test(e.response.data.errors[0].message));
  } finally {
    notify.setNow(() => Date.now());
  }
});

test('the web journey asks how to tell the resident: texts only to a mobile they gave, no email when they unticked it', async () => {
  const web = webClient(w.app);
  // As a browser does: each page fetched, then its form posted.
  const step = async (path: string, body: Record<string, string>) => {
    await web.get(path);
    const r = await web.post(path, body);
    assert.equal(r.statusCode, 303, `${path}: ${r.statusCode}`);
  };
  await step('/report/pothole/question/depth', { answer: 'deep' });
  await step('/report/pothole/question/width_cm', { answer: '45' });
  await step('/report/pothole/question/position', { answer: 'junction' });
  await step('/report/pothole/details', { description: 'By the bus stop' });
  await step('/report/pothole/location', { address: '3 High Street', postcode: 'AB1 2CD', lat: '', long: '' });
  const page = await web.get('/report/pothole/contact');
  assert.match(page.body, /How should the council tell you about your report\?/);
  assert.match(page.body, /name="updates" type="checkbox" value="email" checked/);

  // Texts asked for with a landline: said plainly, on the phone field.
  const landline = await web.post('/report/pothole/contact', [['email', 'texts@example.org'], ['phone', '01632 960001'], ['updatesAsked', '1'], ['updates', 'sms']]);
  assert.equal(landline.statusCode, 400);
  assert.match(landline.body, /govuk-error-summary[\s\S]*href="#phone">Enter a UK mobile number, like 07700 900 982, to get text messages/);

  const ok = await web.post('/report/pothole/contact', [['email', 'texts@example.org'], ['phone', '07700 900982'], ['updatesAsked', '1'], ['updates', 'sms']]);
  assert.equal(ok.statusCode, 303);
  assert.match((await web.get('/report/pothole/check')).body, /Updates[\s\S]*By text message/);
  const sentReport = await web.post('/report/pothole/check', {});
  assert.equal(sentReport.statusCode, 303, /govuk-error-summary[\s\S]{0,800}/.exec(sentReport.body)?.[0]);
  const reference = /<strong id="reference">([2-9A-Z]{4}-[2-9A-Z]{4})</.exec((await web.get('/report/pothole/confirmation')).body)?.[1];
  assert.ok(reference);
  const id = (await requestIdOf(w.store, reference))!;
  await settled(id);
  const sent = await jobs(id);
  assert.deepEqual(sent.map((j) => [j.kind, j.channel, j.state]), [['confirmation', 'sms', 'sent']]);
  const text = notify.sent.find((s) => s.reference === sent[0].idempotencyKey)!;
  assert.deepEqual([text.type, text.to, text.template_id], ['sms', '07700 900982', 's-confirm']);
  assert.ok(!notify.sent.some((s) => s.to === 'texts@example.org'), 'no email: the resident unticked it');
});

test("Notify's personalisation carries the pattern's Welsh status label and description to a Welsh resident, the English to an English one", async () => {
  // Last in this file: it moves the shared pothole service onto a version with Welsh wording.
  const draft = await saveServiceDraft(w.store, 'example', 'pothole', { nameCy: 'Twll yn y ffordd', statuses: { action_scheduled: { labelCy: 'Trwsio wedi’i drefnu', descriptionCy: 'Mae’r gwaith wedi’i drefnu.' } } });
  await publishServiceVersion(w.store, 'example', 'pothole', draft.version);
  const en = await submit();
  const cy = await submit({ language: 'cy' });
  for (const r of [en, cy]) {
    await recordUpdate(w.store, { requestId: r.id, jurisdictionId: 'example', status: 'action_scheduled', description: '', mediaUrls: [], authorKind: 'staff', contact: {} });
    await settled(r.id);
  }
  const statusOf = async (id: string) => {
    const job = (await jobs(id)).find((j) => j.kind === 'status')!;
    return notify.sent.find((s) => s.reference === job.idempotencyKey)!;
  };
  const [enSent, cySent] = [await statusOf(en.id), await statusOf(cy.id)];
  assert.deepEqual([enSent.template_id, enSent.personalisation.status, enSent.personalisation.status_description, enSent.personalisation.service], ['e-status-en', 'Repair scheduled', 'The work is booked with our contractor.', 'Pothole']);
  assert.deepEqual([cySent.template_id, cySent.personalisation.status, cySent.personalisation.status_description, cySent.personalisation.service], ['e-status-cy', 'Trwsio wedi’i drefnu', 'Mae’r gwaith wedi’i drefnu.', 'Twll yn y ffordd']);
  assert.equal(cySent.subject, `Adroddiad ${await residentReference(w.store, cy.id)}: Trwsio wedi’i drefnu`);
  assert.match(String(cySent.personalisation.body), /^Statws eich adroddiad am broblem Twll yn y ffordd nawr yw: Trwsio wedi’i drefnu\. Mae’r gwaith wedi’i drefnu\./);
});

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AdminOptions } from './plugin.ts';
import { PipeworkError } from '../core/errors.ts';
import { resolveJurisdiction } from '../core/access/jurisdiction.ts';
import type { Resolutions } from '../core/patterns/merge.ts';
import { ensurePatternKey } from '../patterns/sharing/keys.ts';
import { boundsFrom, fetchAll, subscribe } from '../patterns/sharing/subscriptions.ts';
import { adoptFromFeed, applyUpdate, availableUpdates, previewUpdate } from '../patterns/sharing/follow.ts';
import { alikeCouncils } from '../patterns/sharing/alike.ts';
import { adoptedBy, provenanceChain } from '../patterns/sharing/provenance.ts';
import { findPattern } from '../patterns/lifecycle.ts';
import { asServicePattern, type ServicePattern } from '../patterns/schema.ts';
import { latest } from '../patterns/semver.ts';

type Req = FastifyRequest<{ Params: Record<string, string>; Querystring: Record<string, string | undefined>; Body: unknown }>;

const bodyOf = (req: Req) => (req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? req.body : {}) as Record<string, unknown>;
function text(body: Record<string, unknown>, k: string, required = false): string | undefined {
  const v = body[k];
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'string' || !v) throw new PipeworkError('INVALID_INPUT', `${k} must be text`, [{ field: k, message: required && v === undefined ? `${k} is required` : `${k} must be text` }]);
  return v;
}
function resolutionsOf(body: Record<string, unknown>): Resolutions {
  const r = body.resolutions ?? {};
  const ok = r && typeof r === 'object' && !Array.isArray(r) && Object.values(r).every((v) => v === 'source' || v === 'local');
  if (!ok) throw new PipeworkError('INVALID_INPUT', 'resolutions maps each conflict path to "source" or "local"', [{ field: 'resolutions', message: 'must be an object of "source" or "local"' }]);
  return r as Resolutions;
}
const sub = (s: Awaited<ReturnType<AdminOptions['store']['patternSharing']['subscribe']>>) => ({
  id: s.id, jurisdiction_id: s.jurisdictionId, url: s.url, publishers: s.publishers, created_at: s.createdAt.toISOString(),
  last_fetched_at: s.lastFetchedAt?.toISOString() ?? null, last_ok_at: s.lastOkAt?.toISOString() ?? null, last_error: s.lastError ?? null,
});

/**
 * Sharing patterns with other councils over the admin API (the same as
 * `npx pipework patterns keys|subscribe|fetch|updates|update|alike|show`),
 * under /admin/api/pattern-sharing/.
 */
export async function patternSharingAdmin(app: FastifyInstance, { store, config }: AdminOptions): Promise<void> {
  const p = '/pattern-sharing';
  app.get(`${p}/key`, async (req: Req) => {
    const j = await resolveJurisdiction(store, req.query.jurisdiction_id);
    const k = await store.patternSharing.key(j);
    if (!k) throw new PipeworkError('NOT_FOUND', `${j} has no signing key yet: POST ${p}/key makes one`);
    return { jurisdiction_id: j, alg: 'Ed25519', key_id: k.keyId, public_key: k.publicKey, created_at: k.createdAt.toISOString() };
  });
  app.post(`${p}/key`, async (req: Req, reply) => {
    const j = await resolveJurisdiction(store, req.query.jurisdiction_id);
    const { key, created } = await ensurePatternKey(store, j);
    return reply.code(created ? 201 : 200).send({ jurisdiction_id: j, alg: 'Ed25519', key_id: key.keyId, public_key: key.publicKey, created_at: key.createdAt.toISOString() });
  });

  app.get(`${p}/subscriptions`, async (req: Req) => {
    const j = await resolveJurisdiction(store, req.query.jurisdiction_id);
    return { subscriptions: (await store.patternSharing.subscriptions(j)).map(sub) };
  });
  app.post(`${p}/subscriptions`, async (req: Req, reply) => {
    const j = await resolveJurisdiction(store, req.query.jurisdiction_id);
    const s = await subscribe(store, j, text(bodyOf(req), 'url', true)!);
    const [fetched] = (await fetchAll(store, boundsFrom(config), j)).filter((r) => r.subscriptionId === s.id);
    return reply.code(201).send({ subscription: sub((await store.patternSharing.subscription(s.id)) ?? s), fetch: fetched });
  });
  app.delete(`${p}/subscriptions/:id`, async (req: Req, reply) => {
    if (!(await store.patternSharing.unsubscribe(req.params.id))) throw new PipeworkError('NOT_FOUND', `No pattern feed subscription ${req.params.id}`);
    return reply.code(204).send();
  });
  app.post(`${p}/fetch`, async (req: Req) => {
    const j = await resolveJurisdiction(store, req.query.jurisdiction_id);
    return { fetched: await fetchAll(store, boundsFrom(config), j) };
  });
  app.get(`${p}/versions`, async (req: Req) => {
    const j = await resolveJurisdiction(store, req.query.jurisdiction_id);
    const all = await store.patternSharing.seenVersions({ jurisdictionId: j, publisherId: req.query.publisher, id: req.query.id });
    return {
      versions: all.map((v) => ({
        subscription_id: v.subscriptionId, publisher: v.publisherId, publisher_name: v.publisherName, id: v.id, version: v.version, licence: v.licence,
        published_at: v.publishedAt, url: v.url, running: v.running, digest: v.digest, first_seen_at: v.firstSeenAt.toISOString(),
      })),
    };
  });
  app.get(`${p}/refusals`, async (req: Req) => {
    const j = await resolveJurisdiction(store, req.query.jurisdiction_id);
    return {
      refusals: (await store.patternSharing.refusals(j)).map((r) => ({
        subscription_id: r.subscriptionId, ref: r.ref, reason: r.reason, detail: r.detail, first_at: r.firstAt.toISOString(), last_at: r.lastAt.toISOString(), count: r.count,
      })),
    };
  });

  app.post(`${p}/adopt`, async (req: Req, reply) => {
    const j = await resolveJurisdiction(store, req.query.jurisdiction_id);
    const b = bodyOf(req);
    const r = await adoptFromFeed(store, j, text(b, 'publisher', true)!, text(b, 'id', true)!, { version: text(b, 'version'), serviceCode: text(b, 'service_code') });
    return reply.code(201).send({ jurisdiction_id: j, service_code: r.serviceCode, pattern: r.pattern });
  });
  app.get(`${p}/updates`, async (req: Req) => {
    const j = await resolveJurisdiction(store, req.query.jurisdiction_id);
    return { updates: await availableUpdates(store, j) };
  });
  app.post(`${p}/updates/:id/preview`, async (req: Req) => {
    const j = await resolveJurisdiction(store, req.query.jurisdiction_id);
    const b = bodyOf(req);
    return previewUpdate(store, j, req.params.id, { to: text(b, 'to'), resolutions: resolutionsOf(b) });
  });
  app.post(`${p}/updates/:id/publish`, async (req: Req, reply) => {
    const j = await resolveJurisdiction(store, req.query.jurisdiction_id);
    const b = bodyOf(req);
    return reply.code(201).send(await applyUpdate(store, j, req.params.id, { to: text(b, 'to'), resolutions: resolutionsOf(b) }));
  });

  app.get(`${p}/alike/:lgsl`, async (req: Req) => {
    const j = await resolveJurisdiction(store, req.query.jurisdiction_id);
    const code = Number(req.params.lgsl);
    if (!Number.isInteger(code) || code < 1) throw new PipeworkError('INVALID_INPUT', 'The LGSL code is a whole number', [{ field: 'lgsl', message: 'must be a whole number' }]);
    return { lgsl_code: code, ...(await alikeCouncils(store, j, code)) };
  });
  app.get(`${p}/provenance/:id`, async (req: Req) => {
    const j = await resolveJurisdiction(store, req.query.jurisdiction_id);
    const { version, publisher } = req.query;
    let doc: ServicePattern;
    let name = (await store.jurisdictions.list()).find((x) => x.id === j)?.name;
    let url: string | undefined;
    if (publisher) {
      const seen = latest((await store.patternSharing.seenVersions({ jurisdictionId: j, publisherId: publisher, id: req.params.id })).filter((v) => !version || v.version === version));
      if (!seen) throw new PipeworkError('PATTERN_NOT_FOUND', `No ${publisher}/${req.params.id}${version ? `@${version}` : ''} seen in ${j}'s subscribed feeds`);
      [doc, name, url] = [asServicePattern(seen.document as never), seen.publisherName, seen.url];
    } else doc = asServicePattern((await findPattern(store, j, req.params.id, version)).document);
    const who = publisher ?? j;
    return {
      id: doc.id, version: doc.version, publisher: who, licence: doc.provenance.licence,
      chain: await provenanceChain(store, j, doc, who, name, url),
      adopted_by: await adoptedBy(store, j, who, doc.id, doc.version),
    };
  });
}

import { Type, type Static } from '@sinclair/typebox';
import { adminActor, type AdminRoutes } from '../admin/plugin.ts';
import type { ErasureAck } from '../core/records/port.ts';
import { serviceRetention } from '../core/records/records.ts';
import { setRetentionOverride } from '../core/records/overrides.ts';
import { PipeworkError } from '../core/errors.ts';

const iso = (d?: Date) => (d ? d.toISOString() : null);
const tags = ['records'];
const Council = Type.Object({ jurisdiction: Type.String({ minLength: 1 }) });
const ServiceKey = Type.Object({ jurisdiction: Type.String({ minLength: 1 }), service: Type.String({ minLength: 1 }) });
const OverrideBody = Type.Object(
  {
    contact_after_closure: Type.Optional(Type.String({ maxLength: 40 })),
    anonymise_after_closure: Type.Optional(Type.String({ maxLength: 40 })),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

export const ackWire = (a: ErasureAck) => ({ target: a.target, name: a.name, request_id: a.requestId ?? null, update_id: a.updateId ?? null, state: a.state, detail: a.detail ?? null, created_at: iso(a.createdAt), acked_at: iso(a.ackedAt) });

/**
 * Records under /admin/api/records/{jurisdiction}/: each service's retention
 * rule and where it comes from, a council's override of its pattern's rule
 * (PUT/DELETE), and an erasure's acknowledgements.
 */
export const recordsAdmin: AdminRoutes = async (app, { store, clock }) => {
  const council = async (id: string) => {
    if (!(await store.jurisdictions.list()).some((j) => j.id === id)) throw new PipeworkError('JURISDICTION_NOT_FOUND', `No council "${id}"`);
    return id;
  };

  app.get<{ Params: Static<typeof Council> }>('/records/:jurisdiction/retention', { schema: { tags, params: Council } }, async (req) => {
    const j = await council(req.params.jurisdiction);
    const overrides = new Map((await store.erasures.overrides(j)).map((o) => [o.serviceCode, o]));
    const services = [];
    for (const s of await store.services.list(j)) {
      const { rule, patternRule, override } = await serviceRetention(store, s, overrides.get(s.code));
      services.push({
        service_code: s.code,
        contact_after_closure: rule.contactAfterClosure,
        anonymise_after_closure: rule.anonymiseAfterClosure,
        pattern_rule: patternRule ? { contact_after_closure: patternRule.contactAfterClosure ?? null, anonymise_after_closure: patternRule.anonymiseAfterClosure ?? null } : null,
        override: override ? { contact_after_closure: override.contactAfterClosure ?? null, anonymise_after_closure: override.anonymiseAfterClosure ?? null, reason: override.reason ?? null, by: override.by, updated_at: iso(override.updatedAt) } : null,
      });
    }
    return { services };
  });

  app.put<{ Params: Static<typeof ServiceKey>; Body: Static<typeof OverrideBody> }>('/records/:jurisdiction/retention/:service', { schema: { tags, params: ServiceKey, body: OverrideBody } }, async (req) => {
    const j = await council(req.params.jurisdiction);
    const o = await setRetentionOverride(store, j, { serviceCode: req.params.service, contactAfterClosure: req.body.contact_after_closure, anonymiseAfterClosure: req.body.anonymise_after_closure, reason: req.body.reason }, adminActor(req), clock);
    return { service_code: o.serviceCode, contact_after_closure: o.contactAfterClosure ?? null, anonymise_after_closure: o.anonymiseAfterClosure ?? null, reason: o.reason ?? null, by: o.by, updated_at: iso(o.updatedAt) };
  });

  app.delete<{ Params: Static<typeof ServiceKey> }>('/records/:jurisdiction/retention/:service', { schema: { tags, params: ServiceKey } }, async (req, reply) => {
    const j = await council(req.params.jurisdiction);
    if (!(await store.erasures.clearOverride(j, req.params.service))) throw new PipeworkError('NOT_FOUND', `No override for "${req.params.service}" in ${j}`);
    return reply.code(204).send();
  });

  app.get<{ Params: { jurisdiction: string; id: string } }>('/records/:jurisdiction/erasures/:id', { schema: { tags, params: Type.Object({ jurisdiction: Type.String(), id: Type.String({ pattern: '^[1-9][0-9]{0,15}$' }) }) } }, async (req) => {
    const j = await council(req.params.jurisdiction);
    const access = (await store.records.accessRequests(j)).find((a) => a.id === req.params.id && a.kind === 'erase');
    if (!access) throw new PipeworkError('NOT_FOUND', `No erasure ${req.params.id} in ${j}`);
    return { id: access.id, request_ids: access.requestIds, received_at: iso(access.receivedAt), due_at: iso(access.dueAt), by: access.by, acknowledgements: (await store.erasures.acks(access.id)).map(ackWire) };
  });
};

import { readFileSync } from 'node:fs';
import type { ContractHarness } from '../backend-contract.ts';
import { restBackend, type RestConfig } from '../../../src/backends/rest/index.ts';
import { checkBackend } from '../../../src/backends/registry.ts';
import { alloyStandIn } from './alloy.ts';
import { confirmStandIn } from './confirm.ts';

/** A configuration shipped in src/backends/rest/configs/, as a council would start from it. */
export function shippedConfig(name: 'alloy' | 'confirm'): RestConfig {
  const config = JSON.parse(readFileSync(new URL(`../../../src/backends/rest/configs/${name}.json`, import.meta.url), 'utf8')) as RestConfig;
  const problems = checkBackend('rest', config);
  if (problems.length) throw new Error(`configs/${name}.json is refused: ${problems.map((p) => p.message).join('; ')}`);
  return config;
}

export const ALLOY_KEY = 'e0e3a4ef-5ec8-4e05-ac25-a34adadf4a80';

/** The shipped Alloy configuration, pointed at the Alloy stand-in, with the contract suite's status map. */
export async function alloyWorld(statusMap: Record<string, string> = { DONE: 'fixed' }) {
  const shipped = shippedConfig('alloy');
  const settings = shipped.settings as { designCode: string; attributes: Record<string, string> };
  const peer = await alloyStandIn({ apiKey: ALLOY_KEY, designCode: settings.designCode, required: ['attributes_itemsGeometry', settings.attributes.pipeworkId] });
  const config: RestConfig = { ...shipped, baseUrl: peer.base, auth: { type: 'header', header: 'Authorization', prefix: 'Bearer ', apiKey: ALLOY_KEY }, statusMap };
  return { peer, config, attributes: settings.attributes };
}

/**
 * Alloy ignores Idempotency-Key; the configuration's `find` step (an AQS
 * query on the attribute holding Pipework's id) spots the case a lost answer
 * made, so a re-sent job is still one item.
 */
export async function alloyHarness(): Promise<ContractHarness> {
  const { peer, config, attributes } = await alloyWorld();
  const backend = restBackend('alloy', config, { timeoutMs: 2000 });
  const itemsWith = (description: string) => [...peer.items.values()].filter((i) => i.attributes.some((a) => a.attributeCode === attributes.description && a.value === description));
  return {
    backend,
    honoursIdempotency: true,
    casesFor: async (d) => itemsWith(d).length,
    commentsFor: async (ref) => String(peer.attribute(ref, attributes.comments) ?? '').split('\n'),
    async reportStatus(reference, code) {
      peer.edit(reference, attributes.status, [code]);
      return (await backend.pullUpdates!(undefined, async () => [reference])).reports;
    },
    breakPeer: () => peer.close(),
    close: () => peer.close(),
  };
}

export const CONFIRM_LOGIN = { username: 'pipework', password: 'confirm-connector-password', databaseId: 'CONFIRM_LIVE' };

/** The shipped Confirm configuration, pointed at the Confirm stand-in (its services are the configuration's). */
export async function confirmWorld(statusMap: Record<string, string> = { DONE: 'fixed' }) {
  const shipped = shippedConfig('confirm');
  const settings = shipped.settings as { services: Record<string, { service: string; subject: string }> };
  const services: Record<string, string[]> = {};
  for (const { service, subject } of Object.values(settings.services)) (services[service] ??= []).push(subject);
  const peer = await confirmStandIn({ ...CONFIRM_LOGIN, services });
  const config: RestConfig = { ...shipped, baseUrl: `${peer.url}/ConfirmConnector/ConfirmConnector.asmx`, settings: { ...shipped.settings, ...CONFIRM_LOGIN }, statusMap };
  return { peer, config };
}

/**
 * Confirm ignores Idempotency-Key and has no public look-up by our reference,
 * so a re-sent job can make a second enquiry: the suite is told so.
 */
export async function confirmHarness(): Promise<ContractHarness> {
  const { peer, config } = await confirmWorld();
  const backend = restBackend('confirm', config, { timeoutMs: 2000 });
  return {
    backend,
    honoursIdempotency: false,
    casesFor: async (d) => [...peer.enquiries.values()].filter((e) => e.fields.EnquiryDescription === d).length,
    commentsFor: async (ref) => (peer.enquiries.get(ref)?.logs ?? []).map((l) => l.StatusLogNotes),
    async reportStatus(reference, code, description) {
      peer.setStatus(reference, code, description);
      return (await backend.pullUpdates!(undefined, async () => [])).reports.filter((r) => r.reference === reference && r.code === code);
    },
    breakPeer: () => peer.close(),
    close: () => peer.close(),
  };
}

import type { ContractHarness } from '../backend-contract.ts';
import { webhookBackend } from '../../../src/backends/webhook/index.ts';
import { webhookPeer } from './webhook-peer.ts';

/** The webhook adapter against a real HTTP back-end on 127.0.0.1 that honours Idempotency-Key. */
export async function webhookHarness(): Promise<ContractHarness> {
  const secret = 'contract-test-secret-0123456789';
  const peer = await webhookPeer({ secret });
  const backend = webhookBackend('hook', { url: peer.url, secret, statusMap: { DONE: 'fixed' } }, { timeoutMs: 2000 });
  return {
    backend,
    honoursIdempotency: true,
    casesFor: async (description) => [...peer.cases.values()].filter((c) => c.body.request.description === description).length,
    commentsFor: async (reference) => peer.updates.filter((u) => u.reference === reference).map((u) => u.update.description),
    async reportStatus(reference, code, description) {
      const call = peer.statusCall([{ reference, status: code, description, update_id: `${reference}-${code}` }]);
      return backend.parseInbound!(call.headers, Buffer.from(call.body));
    },
    breakPeer: () => peer.close(),
    close: () => peer.close().catch(() => {}),
  };
}

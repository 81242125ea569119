import type { AddressInfo } from 'node:net';
import type { ContractHarness } from '../backend-contract.ts';
import { open311UpstreamBackend } from '../../../src/backends/open311-upstream/index.ts';
import { buildApp } from '../../../src/app.ts';
import { seedDemo } from '../../../src/demo/seed.ts';
import { createApiKey } from '../../../src/core/access/api-keys.ts';
import { recordUpdate } from '../../../src/core/requests/record-update.ts';
import { freshStore, testConfig } from '../db.ts';

/** The Open311 upstream adapter against a second, real Pipework (its own fresh database) listening on 127.0.0.1. */
export function open311Harness(format: 'json' | 'xml') {
  return async (): Promise<ContractHarness> => {
    const store = await freshStore();
    await seedDemo(store);
    const { key } = await createApiKey(store, 'downstream pipework');
    const app = await buildApp(testConfig(store.url), { store });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/open311/v2`;
    const backend = open311UpstreamBackend('upstream', { url, apiKey: key, jurisdictionId: 'example', format, pull: 'updates', pollSeconds: 60, statusMap: { DONE: 'fixed' } }, { timeoutMs: 2000 });
    const all = () => store.requests.search({ jurisdictionId: 'example', page: 1, pageSize: 1000 });
    let closed = false;
    return {
      backend,
      honoursIdempotency: true,
      casesFor: async (d) => (await all()).filter((r) => r.description === d).length,
      commentsFor: async (ref) => (await store.requests.history('example', ref)).filter((u) => u.authorKind === 'resident').map((u) => u.description),
      async reportStatus(reference, code, description) {
        // The upstream's own back-office moves the case; its updates feed carries the raw code.
        await recordUpdate(store, { requestId: reference, jurisdictionId: 'example', status: code === 'DONE' ? 'fixed' : 'unchanged', description, mediaUrls: [], externalStatusCode: code, authorKind: 'backend', contact: {} });
        const { reports } = await backend.pullUpdates!(undefined, async () => [reference]);
        return reports.filter((r) => r.reference === reference && r.code === code);
      },
      async breakPeer() {
        closed = true;
        await app.close();
      },
      async close() {
        if (!closed) await app.close();
        await store.close();
      },
    };
  };
}

import type { ContractHarness } from '../backend-contract.ts';
import { restBackend, type RestConfig } from '../../../src/backends/rest/index.ts';
import { checkBackend } from '../../../src/backends/registry.ts';
import { PEER_CREDENTIALS, restPeer, type PeerAuth } from './rest-peer.ts';

/** The `auth` block that opens the plain case API for each of its credential kinds. */
export function peerAuth(kind: PeerAuth, tokenUrl: string): RestConfig['auth'] {
  if (kind === 'header') return { type: 'header', header: 'X-Api-Key', prefix: '', apiKey: PEER_CREDENTIALS.apiKey };
  if (kind === 'basic') return { type: 'basic', username: PEER_CREDENTIALS.username, password: PEER_CREDENTIALS.password };
  if (kind === 'oauth2') return { type: 'oauth2', url: tokenUrl, clientId: PEER_CREDENTIALS.clientId, clientSecret: PEER_CREDENTIALS.clientSecret, credentials: 'basic', header: 'Authorization', prefix: 'Bearer ' };
  return { type: 'none' };
}

/** The simplest useful `rest` configuration: one call each way, JSON, against the plain case API. */
export function simpleConfig(base: string, auth: RestConfig['auth']): RestConfig {
  return {
    baseUrl: base,
    auth,
    create: {
      method: 'POST',
      path: 'cases',
      headers: { 'Idempotency-Key': '{idempotency_key}' },
      body: [
        '{',
        "  'title': request.service_name,",
        "  'description': request.description,",
        "  'location': { 'lat': request.lat, 'lon': request.long, 'address': request.address },",
        "  'reporter': { 'name': request.contact.first_name & ' ' & request.contact.last_name, 'email': request.contact.email },",
        "  'external_id': request.service_request_id",
        '}',
      ],
      reference: 'answer.case.id',
    },
    comment: { method: 'POST', path: 'cases/{reference}/notes', body: "{ 'text': update.description }" },
    pull: { method: 'GET', path: 'cases/{reference}', mode: 'each', reports: "{ 'code': answer.case.state, 'description': answer.case.state_note }", everySeconds: 60 },
    statusMap: { DONE: 'fixed' },
  };
}

/** The `rest` kind with the simple configuration against the plain case API, demanding `auth`. */
export function restHarness(auth: PeerAuth) {
  return async (): Promise<ContractHarness> => {
    const peer = await restPeer(auth);
    const config = simpleConfig(peer.base, peerAuth(auth, peer.tokenUrl));
    const problems = checkBackend('rest', config);
    if (problems.length) throw new Error(`the simple configuration is refused: ${problems.map((p) => p.message).join('; ')}`);
    const backend = restBackend('cases', config, { timeoutMs: 2000 });
    return {
      backend,
      honoursIdempotency: true,
      casesFor: async (d) => [...peer.cases.values()].filter((c) => c.description === d).length,
      commentsFor: async (ref) => peer.cases.get(ref)?.notes ?? [],
      async reportStatus(reference, code, description) {
        peer.setState(reference, code, description);
        return (await backend.pullUpdates!(undefined, async () => [reference])).reports;
      },
      breakPeer: () => peer.close(),
      close: () => peer.close(),
    };
  };
}

import type { ContractHarness } from '../backend-contract.ts';
import { builtinBackend } from '../../../src/backends/builtin/index.ts';

/**
 * The built-in case store: its "peer" is Pipework itself, so a delivery
 * records that Pipework holds the case and its reference is the request id.
 */
export async function builtinHarness(): Promise<ContractHarness> {
  const held = new Map<string, string>();
  const backend = builtinBackend('builtin');
  const deliver = backend.deliverRequest.bind(backend);
  backend.deliverRequest = async (job) => {
    const r = await deliver(job);
    held.set(r.reference!, job.request.description ?? '');
    return r;
  };
  const comments = new Map<string, string[]>();
  const update = backend.deliverUpdate.bind(backend);
  backend.deliverUpdate = async (job) => {
    comments.set(job.reference, [...(comments.get(job.reference) ?? []), job.update.description]);
    return update(job);
  };
  return {
    backend,
    honoursIdempotency: true,
    casesFor: async (d) => [...held.values()].filter((x) => x === d).length,
    commentsFor: async (ref) => comments.get(ref) ?? [],
    close: async () => {},
  };
}

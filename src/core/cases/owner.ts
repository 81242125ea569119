import type { Store } from '../store.ts';
import { BUILTIN_BACKEND } from '../routing/decide.ts';
import type { CaseOwner } from './queue.ts';

/**
 * Who holds a request. Only the built-in case store's requests are worked in
 * Pipework; a request held elsewhere takes its status from that back-end, so
 * staff see it read-only (notes and assignment still work).
 */
export async function caseOwner(store: Store, requestId: string): Promise<CaseOwner & { editable: boolean }> {
  const owner = (await store.staffQueue.owners([requestId])).get(requestId);
  if (!owner) return { backend: BUILTIN_BACKEND, state: 'delivered', editable: true };
  return { ...owner, editable: isEditable(owner) };
}

export const isEditable = (owner: CaseOwner | undefined) => !owner || owner.backend === BUILTIN_BACKEND;

import type { Store } from '../store.ts';
import type { RequestUpdate, ServiceRequest } from '../requests/request.ts';
import { PipeworkError } from '../errors.ts';
import { isStatus } from '../statuses.ts';
import { recordUpdate } from '../requests/record-update.ts';
import { BUILTIN_BACKEND } from '../routing/decide.ts';
import { ownsRequest } from '../delivery/outbox.ts';

/**
 * The built-in case store's work list: requests whose owning back-end is
 * `builtin` (most recent first), optionally only those at one status.
 */
export async function builtinCases(store: Store, jurisdictionId: string, options: { status?: string; limit: number }): Promise<ServiceRequest[]> {
  const owned = (await store.deliveries.list({ backend: BUILTIN_BACKEND, jurisdictionId, limit: options.limit * 4 })).filter((d) => d.kind === 'request' && ownsRequest(d.role));
  if (!owned.length) return [];
  const ids = [...new Set(owned.map((d) => d.requestId))];
  const requests = await store.requests.search({ jurisdictionId, ids, page: 1, pageSize: ids.length });
  return requests.filter((r) => !options.status || r.status === options.status).slice(0, options.limit);
}

/**
 * A member of staff moves a case in the built-in store on (or comments on it,
 * with status `unchanged`). Goes through recordUpdate, so the service's process
 * refuses a change it does not allow (TRANSITION_NOT_ALLOWED).
 */
export async function staffUpdate(store: Store, jurisdictionId: string, requestId: string, input: { status: string; description: string; by: string }): Promise<RequestUpdate> {
  const request = await store.requests.get(jurisdictionId, requestId);
  if (!request) throw new PipeworkError('REQUEST_NOT_FOUND', `service_request_id "${requestId}" was not found`);
  const status = input.status.trim().toLowerCase();
  if (status !== 'unchanged' && !isStatus(status)) {
    throw new PipeworkError('INVALID_INPUT', `status "${input.status}" is not an Open311 status (e.g. investigating, action_scheduled, fixed, or unchanged for a comment)`, [{ field: 'status', message: 'not a status' }]);
  }
  const owner = (await store.deliveries.forRequest(requestId)).find((d) => d.kind === 'request' && ownsRequest(d.role));
  if (owner && owner.backend !== BUILTIN_BACKEND) {
    throw new PipeworkError('INVALID_INPUT', `request ${requestId} is handled by back-end "${owner.backend}"; its status comes from there`);
  }
  return recordUpdate(store, { requestId, jurisdictionId, status: status as RequestUpdate['status'], description: input.description.trim(), mediaUrls: [], authorKind: 'staff', externalId: undefined, contact: { firstName: input.by } }, { onDisallowed: 'refuse' });
}

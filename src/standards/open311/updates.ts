import type { Store } from '../../core/store.ts';
import type { RequestUpdate } from '../../core/requests/request.ts';
import { PipeworkError, invalid } from '../../core/errors.ts';
import { isUpdateStatus } from '../../core/statuses.ts';
import { validateDescription, validateEmail } from '../../core/requests/validate.ts';
import { list, str } from './params.ts';
import { recordUpdate } from '../../core/requests/record-update.ts';

/**
 * POST servicerequestupdates (UK profile): a resident's update sent by a
 * client such as FixMyStreet. Statuses arrive in upper case. The sender's
 * `update_id` makes a re-send idempotent: recordUpdate returns the first update again.
 */
export async function postUpdate(store: Store, jurisdictionId: string, body: Record<string, unknown>): Promise<RequestUpdate> {
  const requestId = str(body.service_request_id)!;
  const request = await store.requests.get(jurisdictionId, requestId);
  if (!request) throw new PipeworkError('REQUEST_NOT_FOUND', `service_request_id "${requestId}" was not found`);

  const status = str(body.status)!.trim().toLowerCase();
  const desc = validateDescription(str(body.description));
  const problems = [
    ...(isUpdateStatus(status) ? [] : [{ field: 'status', message: `status "${str(body.status)}" is not a status this server knows` }]),
    ...desc.problems,
    ...validateEmail(str(body.email)),
  ];
  if (problems.length) throw invalid(problems);

  // The core stores one update per `update_id` and gives the first back to a re-send.
  const externalId = str(body.update_id)!;
  return recordUpdate(store, {
    requestId: request.id,
    jurisdictionId,
    status: status as RequestUpdate['status'],
    description: desc.description ?? '',
    mediaUrls: list(body.media_url),
    externalId,
    authorKind: 'resident',
    contact: { firstName: str(body.first_name), lastName: str(body.last_name), email: str(body.email), phone: str(body.phone) },
    updatedAt: new Date(str(body.updated_datetime)!),
  });
}

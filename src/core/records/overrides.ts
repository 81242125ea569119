import type { Store } from '../store.ts';
import type { Clock } from '../clock.ts';
import type { FieldProblem } from '../errors.ts';
import { PipeworkError } from '../errors.ts';
import { addPeriod, periodProblem } from './retention.ts';

export interface OverrideInput {
  serviceCode: string;
  contactAfterClosure?: string;
  anonymiseAfterClosure?: string;
  reason?: string;
}

/**
 * Sets a council's own retention rule for one of its services, over its
 * pattern's (a council may keep highway reports longer, or contact details
 * shorter). Each period is checked; at least one is given; contact details are
 * never kept longer than the record they belong to.
 */
export async function setRetentionOverride(store: Store, jurisdictionId: string, input: OverrideInput, by: string, clock: Clock) {
  const contact = input.contactAfterClosure?.trim() || undefined;
  const anonymise = input.anonymiseAfterClosure?.trim() || undefined;
  const problems: FieldProblem[] = [];
  if (!(await store.services.get(jurisdictionId, input.serviceCode))) problems.push({ field: 'service_code', message: `no service "${input.serviceCode}" in ${jurisdictionId}` });
  const c = periodProblem(contact);
  if (c) problems.push({ field: 'contact_after_closure', message: c });
  const a = periodProblem(anonymise);
  if (a) problems.push({ field: 'anonymise_after_closure', message: a });
  if (!contact && !anonymise) problems.push({ field: 'contact_after_closure', message: 'give contact_after_closure, anonymise_after_closure or both' });
  if (!problems.length && contact && anonymise) {
    const now = clock.now();
    if (addPeriod(now, contact) > addPeriod(now, anonymise)) problems.push({ field: 'contact_after_closure', message: 'contact details cannot be kept longer than the record (anonymise_after_closure)' });
  }
  if (problems.length) throw new PipeworkError('INVALID_INPUT', problems.map((p) => p.message).join('; '), problems);
  const o = { jurisdictionId, serviceCode: input.serviceCode, contactAfterClosure: contact, anonymiseAfterClosure: anonymise, reason: input.reason?.trim() || undefined, updatedAt: clock.now(), by };
  await store.erasures.setOverride(o);
  return o;
}

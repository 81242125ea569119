import type { Store } from '../store.ts';
import type { Service } from '../services/service.ts';
import type { Actor } from './work.ts';

/**
 * A role may be limited to some service groups (say, "Streets" only): then
 * the actor sees and works only requests for services in those groups. A
 * request outside them is "not found", as another council's is.
 */
export const serviceInScope = (actor: Pick<Actor, 'groups'>, service: Pick<Service, 'groups'> | undefined): boolean =>
  !actor.groups?.length || !!service?.groups.some((g) => actor.groups!.includes(g));

/** The council's services the actor may see (all of them when their role has no groups). */
export async function servicesInScope(store: Store, actor: Actor): Promise<Service[]> {
  return (await store.services.list(actor.jurisdictionId)).filter((s) => serviceInScope(actor, s));
}

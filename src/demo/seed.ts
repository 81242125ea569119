import type { Store } from '../core/store.ts';
import { DEMO_SERVICES } from './services.ts';

export const DEMO_JURISDICTION = { id: 'example', name: 'Example Borough Council' };

/**
 * Creates the demo council and its services, only when the database has no
 * jurisdiction at all: it never writes over a council's own data.
 */
export async function seedDemo(store: Store): Promise<boolean> {
  if ((await store.jurisdictions.list()).length) return false;
  await store.jurisdictions.upsert(DEMO_JURISDICTION);
  for (const s of DEMO_SERVICES) {
    await store.services.upsert({ active: true, visibility: 'public', ...s, jurisdictionId: DEMO_JURISDICTION.id, attributes: s.attributes.map((a) => ({ ...a })) });
  }
  return true;
}

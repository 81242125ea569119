import type { Store } from '../core/store.ts';
import { starterLibrary } from '../patterns/library.ts';
import { importPatterns } from '../patterns/lifecycle.ts';
import { serviceFromPattern } from '../patterns/adopt.ts';

export const DEMO_JURISDICTION = { id: 'example', name: 'Example Borough Council' };

/**
 * Creates the demo council, which adopts the whole starter library
 * (patterns/library/), only when the database has no jurisdiction at all:
 * it never writes over a council's own data.
 */
export async function seedDemo(store: Store): Promise<boolean> {
  if ((await store.jurisdictions.list()).length) return false;
  await store.jurisdictions.upsert(DEMO_JURISDICTION);
  const library = await starterLibrary();
  await importPatterns(store, DEMO_JURISDICTION.id, library);
  for (const p of library) await store.services.upsert(serviceFromPattern(p, DEMO_JURISDICTION.id, p.id));
  return true;
}

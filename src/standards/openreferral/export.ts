import type { DirectoryStore } from '../../core/directory/port.ts';
import type { Fields } from '../../core/directory/records.ts';
import { serviceFull } from './wire.ts';

/** Every imported service, fully nested, in pages of `batch` (the shape `directory import` reads back). */
export async function exportDirectory(directory: DirectoryStore, batch = 200): Promise<Fields[]> {
  const out: Fields[] = [];
  for (let offset = 0; ; offset += batch) {
    const page = await directory.services({ offset, limit: batch });
    const related = await directory.related(page.items.map((s) => s.id));
    out.push(...page.items.map((s) => serviceFull(s, related)));
    if (offset + batch >= page.total) return out;
  }
}

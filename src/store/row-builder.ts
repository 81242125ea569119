type Row = Record<string, unknown>;
export type RowOf = (values: unknown[]) => Row;

// One function per column list, shared by every statement that returns it (most select one table's columns).
const builders = new Map<string, RowOf>();

/**
 * A function that makes one row object from a row of values. It is one
 * object literal, so every row of a statement has the same shape from the
 * start; both drivers' own row objects are built property by property and
 * cost more than that (decision 0184). The names are written as JSON strings,
 * so no column name can be read as code; a name given twice keeps its last
 * value, as the drivers' objects do.
 */
export function rowBuilder(names: string[]): RowOf {
  const key = names.join('\0');
  let build = builders.get(key);
  if (!build) {
    try {
      build = new Function('v', `return {${names.map((n, i) => `${JSON.stringify(n)}: v[${i}]`).join(', ')}};`) as RowOf;
    } catch {
      // Node run with --disallow-code-generation-from-strings: the same objects, a little slower.
      build = (v) => Object.fromEntries(names.map((n, i) => [n, v[i]]));
    }
    if (builders.size >= 500) builders.clear();
    builders.set(key, build);
  }
  return build;
}

import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { isUpdateStatus } from '../core/statuses.ts';
import type { FieldProblem } from '../core/errors.ts';

/** Every adapter's config may map the back-end's own status codes to Open311 extended statuses. */
export const StatusMap = Type.Optional(
  Type.Record(Type.String({ minLength: 1 }), Type.String(), { description: 'Back-end status code → Open311 extended status (e.g. {"DONE": "fixed"})' }),
);

export const HttpUrl = Type.String({ pattern: '^https?://[^\\s]+$', description: 'An http(s) URL' });

/**
 * Checks an adapter's configuration against its schema and says plainly what
 * is wrong, field by field (`config.url must match …`).
 */
export function checkConfig<S extends TSchema>(schema: S, config: unknown): { value?: Static<S>; problems: FieldProblem[] } {
  const value = Value.Default(schema, Value.Clone(config ?? {}));
  const problems: FieldProblem[] = [...Value.Errors(schema, value)].map((e) => {
    const field = `config${e.path.replace(/\//g, '.')}`;
    return { field, message: `${field} ${e.message.replace(/^Expected/, 'must be')}` };
  });
  const map = (value as { statusMap?: Record<string, string> })?.statusMap ?? {};
  for (const [code, status] of Object.entries(map)) {
    if (!isUpdateStatus(status)) problems.push({ field: `config.statusMap.${code}`, message: `config.statusMap.${code} must be an Open311 status such as fixed or in_progress, got "${status}"` });
  }
  return problems.length ? { problems } : { value: value as Static<S>, problems };
}

import type { TSchema } from '@sinclair/typebox';
import type { Backend, BackendDeps } from './port.ts';
import type { RoutingStore } from '../core/routing/route.ts';
import type { FieldProblem } from '../core/errors.ts';
import { checkConfig } from './config.ts';
import { BUILTIN_BACKEND } from '../core/routing/decide.ts';
import { BuiltinConfig, builtinBackend } from './builtin/index.ts';
import { WebhookConfig, webhookBackend } from './webhook/index.ts';
import { Open311UpstreamConfig, open311UpstreamBackend } from './open311-upstream/index.ts';
import { EmailConfig, emailBackend } from './email/index.ts';
import { FileDropConfig, fileDropBackend } from './file-drop/index.ts';
import { RestConfig, checkRestTemplates, restBackend } from './rest/index.ts';

interface Kind {
  schema: TSchema;
  summary: string;
  create(name: string, config: any, deps: BackendDeps): Backend;
  /** Checks beyond the schema, on a config that fits it (e.g. that every template compiles). */
  check?(config: any): FieldProblem[];
}

/** Every adapter kind: its config schema and its factory. Add an adapter with a folder and a line here. */
export const KINDS: Record<string, Kind> = {
  builtin: { schema: BuiltinConfig, summary: "Pipework's own case store, handled by staff", create: (name) => builtinBackend(name) },
  webhook: { schema: WebhookConfig, summary: 'Signed JSON over HTTP to any back-end', create: webhookBackend },
  'open311-upstream': { schema: Open311UpstreamConfig, summary: 'Another GeoReport v2 server', create: open311UpstreamBackend },
  email: { schema: EmailConfig, summary: 'A structured email per request to a back-office mailbox', create: emailBackend },
  'file-drop': { schema: FileDropConfig, summary: 'CSV and JSON Lines files in a directory, status CSVs read back', create: fileDropBackend },
  rest: { schema: RestConfig, summary: 'Any JSON or XML HTTP API, mapped by JSONata templates', create: restBackend, check: checkRestTemplates },
};

/** The schema, then the kind's own checks: the config ready for its factory, or what is wrong with it. */
function checkKind(k: Kind, config: unknown) {
  const checked = checkConfig(k.schema, config);
  const more = checked.problems.length ? [] : (k.check?.(checked.value) ?? []);
  return more.length ? { value: undefined, problems: more } : checked;
}

/** Checks a back-end definition; problems name the field and say what is wrong. */
export function checkBackend(kind: string, config: unknown): FieldProblem[] {
  const k = KINDS[kind];
  if (!k) return [{ field: 'kind', message: `kind must be one of ${Object.keys(KINDS).join(', ')}, got "${kind}"` }];
  return checkKind(k, config).problems;
}

/**
 * The live back-end instances, built from their stored configuration. A
 * changed configuration is picked up within `refreshMs` without a restart.
 * `builtin` always exists, even with no row of its own.
 */
export class BackendRegistry {
  private cache = new Map<string, { updatedAt: number; checkedAt: number; backend?: Backend; problem?: string }>();
  constructor(
    private routing: RoutingStore,
    private deps: BackendDeps,
    private refreshMs = 1000,
  ) {}

  /** The back-end called `name`, or why there is none usable (unknown name, invalid stored config). */
  async get(name: string): Promise<{ backend?: Backend; problem?: string }> {
    const now = Date.now();
    const hit = this.cache.get(name);
    if (hit && now - hit.checkedAt < this.refreshMs) return hit;
    const row = await this.routing.backend(name);
    if (hit && row && row.updatedAt.getTime() === hit.updatedAt) {
      hit.checkedAt = now;
      return hit;
    }
    await hit?.backend?.close?.();
    let entry: { updatedAt: number; checkedAt: number; backend?: Backend; problem?: string };
    if (!row) {
      entry = name === BUILTIN_BACKEND ? { updatedAt: 0, checkedAt: now, backend: builtinBackend(name) } : { updatedAt: 0, checkedAt: now, problem: `no back-end called "${name}" is configured` };
    } else {
      const kind = KINDS[row.kind];
      const checked = kind && checkKind(kind, row.config);
      entry = !kind
        ? { updatedAt: row.updatedAt.getTime(), checkedAt: now, problem: `back-end "${name}" has unknown kind "${row.kind}"` }
        : checked!.problems.length
          ? { updatedAt: row.updatedAt.getTime(), checkedAt: now, problem: `back-end "${name}" is misconfigured: ${checked!.problems.map((p) => p.message).join('; ')}` }
          : { updatedAt: row.updatedAt.getTime(), checkedAt: now, backend: kind.create(name, checked!.value, this.deps) };
    }
    this.cache.set(name, entry);
    return entry;
  }

  /** Every configured back-end plus `builtin`, as live instances (misconfigured ones are left out). */
  async all(): Promise<Backend[]> {
    const names = new Set([BUILTIN_BACKEND, ...(await this.routing.backends()).map((b) => b.name)]);
    const out: Backend[] = [];
    for (const n of names) {
      const { backend } = await this.get(n);
      if (backend) out.push(backend);
    }
    return out;
  }

  async close() {
    for (const e of this.cache.values()) await e.backend?.close?.();
    this.cache.clear();
  }
}

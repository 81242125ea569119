import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { EXIT, UsageError, jurisdictionFor, unknownSubcommand, type CliContext, type ExitCode, type Command } from './context.ts';
import { clearRoute, promote, saveBackend, setCanary, setPrimary, setShadow } from '../routing/manage.ts';
import { maskConfig } from '../routing/mask.ts';
import { BackendRegistry, KINDS, checkBackend } from '../backends/registry.ts';
import { remapStatuses, type RemapResult } from '../routing/remap.ts';
import type { RouteChange } from '../core/routing/route.ts';
import { moveOpenCommand } from './move-open.ts';

/** Who is making a change: --by, else the operating-system user. */
export const actorFor = (by: string | undefined) => `cli:${by?.trim() || safeUser()}`;
const safeUser = () => {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
};

const describeRoute = (r: { primary: string; shadow?: string; canary?: string; canaryPercent: number }) =>
  `primary ${r.primary}${r.shadow ? `, shadow ${r.shadow}` : ''}${r.canary ? `, canary ${r.canary} ${r.canaryPercent}%` : ''}`;

const changeLine = (c: RouteChange) =>
  `${c.jurisdictionId}/${c.serviceCode}: ${c.after ? describeRoute(c.after) : 'no route (built-in store or the * default)'}  [${c.action} by ${c.actor} at ${c.at.toISOString()}]`;

/** Prints the change a command made; the command ends with success. */
const printed = (ctx: CliContext, c: RouteChange): ExitCode => {
  ctx.out(changeLine(c));
  return EXIT.ok;
};

export const routes: Command = {
  usage: [
    'routes show [--jurisdiction J]',
    'routes set SERVICE BACKEND [--jurisdiction J] [--by WHO]        (SERVICE "*": the default route)',
    'routes shadow SERVICE BACKEND|off [--jurisdiction J] [--by WHO]',
    'routes canary SERVICE BACKEND PERCENT [--jurisdiction J] [--by WHO]',
    'routes canary SERVICE off [--jurisdiction J] [--by WHO]',
    'routes promote SERVICE [--jurisdiction J] [--by WHO]',
    'routes clear SERVICE [--jurisdiction J] [--by WHO]',
    'routes history [SERVICE] [--jurisdiction J] [--limit N]',
    'routes backends',
    'routes backend NAME --kind KIND --config JSON|@FILE [--council ID] [--dry-run] [--by WHO]   (a changed statusMap re-reads the reports it kept; --council gives it to one council, else a new one is install-wide)',
    'routes check NAME',
    'routes move-open SERVICE [--dry-run] [--jurisdiction J] [--by WHO]   (open cases of other back-ends to the primary)',
  ],
  async run(args, ctx) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { jurisdiction: { type: 'string' }, council: { type: 'string' }, by: { type: 'string' }, kind: { type: 'string' }, config: { type: 'string' }, limit: { type: 'string' }, 'dry-run': { type: 'boolean' } },
    });
    const [sub, a, b, c] = positionals;
    if (!this.usage.some((u) => u.split(' ')[1] === sub)) throw unknownSubcommand('routes', sub);
    const store = await ctx.store();
    const actor = actorFor(values.by);
    const key = async (service: string | undefined) => {
      if (!service) throw new UsageError(`routes ${sub} needs a SERVICE code ("*" for the default route)`);
      return { jurisdictionId: await jurisdictionFor(ctx, values.jurisdiction), serviceCode: service };
    };
    switch (sub) {
      case 'show': {
        const list = await store.routing.list(values.jurisdiction);
        if (!list.length) ctx.out('No routes: every service goes to the built-in case store.');
        for (const r of list) ctx.out(`${r.jurisdictionId}/${r.serviceCode}\t${describeRoute(r)}\t(changed by ${r.updatedBy} at ${r.updatedAt.toISOString()})`);
        return EXIT.ok;
      }
      case 'set':
        if (!b) throw new UsageError('routes set needs SERVICE BACKEND, e.g. routes set pothole streets');
        return printed(ctx, await setPrimary(store, await key(a), b, actor));
      case 'shadow':
        if (!b) throw new UsageError('routes shadow needs SERVICE BACKEND (or "off")');
        return printed(ctx, await setShadow(store, await key(a), b === 'off' ? undefined : b, actor));
      case 'canary': {
        if (b === 'off') return printed(ctx, await setCanary(store, await key(a), undefined, 0, actor));
        if (!b || c === undefined) throw new UsageError('routes canary needs SERVICE BACKEND PERCENT (or SERVICE off), e.g. routes canary pothole streets 10');
        if (!/^\d{1,3}$/.test(c) || Number(c) > 100) throw new UsageError(`PERCENT must be a whole number from 0 to 100, got "${c}"`);
        return printed(ctx, await setCanary(store, await key(a), b, Number(c), actor));
      }
      case 'promote':
        return printed(ctx, await promote(store, await key(a), actor));
      case 'clear':
        return printed(ctx, await clearRoute(store, await key(a), actor));
      case 'history': {
        const changes = await store.routing.changes({ jurisdictionId: values.jurisdiction, serviceCode: a, limit: Number(values.limit ?? 50) || 50 });
        if (!changes.length) ctx.out('No route changes yet.');
        for (const ch of changes) ctx.out(changeLine(ch));
        return EXIT.ok;
      }
      case 'backends': {
        ctx.out(`builtin\tbuiltin\t(always there)`);
        for (const be of await store.routing.backends()) ctx.out(`${be.name}\t${be.kind}\t${be.jurisdictionId ?? '(install-wide)'}\t${JSON.stringify(maskConfig(be.config))}\t(changed by ${be.updatedBy} at ${be.updatedAt.toISOString()})`);
        return EXIT.ok;
      }
      case 'backend': {
        if (!a || !values.kind || !values.config) {
          throw new UsageError(`routes backend needs NAME --kind KIND --config JSON|@FILE (kinds: ${Object.keys(KINDS).join(', ')})`);
        }
        const config = await readConfig(values.config);
        const statusMap = ((config as { statusMap?: Record<string, string> })?.statusMap ?? {}) as Record<string, string>;
        if (values['dry-run']) {
          const problems = checkBackend(values.kind, config);
          if (problems.length) throw new UsageError(problems.map((p) => p.message).join('; '));
          printRemap(ctx, await remapStatuses(store, a, statusMap, { dryRun: true }));
          ctx.out('Dry run: nothing was saved.');
          return EXIT.ok;
        }
        const saved = await saveBackend(store, { name: a, kind: values.kind, config }, actor, values.council ? { council: values.council } : undefined);
        ctx.out(`Saved back-end ${saved.name} (${saved.kind}). Route a service to it with: npx pipework routes set SERVICE ${saved.name}`);
        printRemap(ctx, await remapStatuses(store, a, statusMap, { dryRun: false }));
        return EXIT.ok;
      }
      case 'check': {
        if (!a) throw new UsageError('routes check needs a back-end NAME');
        const registry = new BackendRegistry(store.routing, { timeoutMs: ctx.config.deliveryTimeoutMs });
        try {
          const { backend, problem } = await registry.get(a);
          if (!backend) {
            ctx.err(problem!);
            return EXIT.failed;
          }
          const h = await backend.health();
          // What the configuration relies on, tried one by one: reachable is not the same as working.
          const probes = (await backend.probe?.()) ?? [];
          const ok = h.ok && probes.every((p) => p.ok);
          ctx.out(`${a}: ${ok ? 'healthy' : 'NOT healthy'} (${h.detail})`);
          for (const p of probes) ctx.out(`  ${p.ok ? 'works' : 'FAILS'}\t${p.check}: ${p.detail}`);
          return ok ? EXIT.ok : EXIT.failed;
        } finally {
          await registry.close();
        }
      }
      case 'move-open':
        return moveOpenCommand(ctx, store, await key(a), actor, !!values['dry-run']);
      default:
        throw unknownSubcommand('routes', sub);
    }
  },
};

async function readConfig(arg: string): Promise<unknown> {
  let text = arg;
  if (arg.startsWith('@')) {
    try {
      text = await readFile(arg.slice(1), 'utf8');
    } catch (e) {
      throw new UsageError(`${arg.slice(1)}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--config is not valid JSON: ${(e as Error).message}`);
  }
}

/** What a statusMap change did (or would do) to the reports kept from that back-end. */
function printRemap(ctx: CliContext, r: RemapResult) {
  const verb = r.dryRun ? 'would be read again' : 'read again';
  if (r.changed.length) ctx.out(`${r.changed.length} kept status report(s) of ${r.backend} ${verb} under the new statusMap:`);
  for (const c of r.changed) ctx.out(`  request ${c.requestId}: ${c.code} was ${c.was}, now ${c.now}${c.moves ? (r.dryRun ? ' (would move the request)' : ' (the request moved)') : ''}`);
  const unknown = Object.entries(r.stillUnknown);
  if (unknown.length) ctx.out(`Still not in the statusMap: ${unknown.map(([c, n]) => `${c} (${n})`).join(', ')}`);
}

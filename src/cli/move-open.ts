import type { Store } from '../core/store.ts';
import { EXIT, type CliContext, type ExitCode } from './context.ts';
import { BackendRegistry } from '../backends/registry.ts';
import { moveOpen, planMoveOpen } from '../routing/move-open.ts';
import type { RouteKey } from '../routing/manage.ts';

/**
 * `routes move-open SERVICE [--dry-run]`: shows, then moves, the service's
 * open cases to its primary back-end, one line per case; exit 0 only when
 * every case moved (run it again to resume or retry the failed ones).
 */
export async function moveOpenCommand(ctx: CliContext, store: Store, key: RouteKey, actor: string, dryRun: boolean): Promise<ExitCode> {
  const plan = await planMoveOpen(store, key);
  const from = Object.entries(plan.byBackend).map(([b, n]) => `${n} from ${b}`).join(', ') || 'none';
  const where = `${key.jurisdictionId}/${key.serviceCode}`;
  if (dryRun) {
    ctx.out(`${plan.resumes ? `Resuming move ${plan.resumes.id} (started ${plan.resumes.createdAt.toISOString()} by ${plan.resumes.actor}): ` : ''}${plan.cases.length} open case(s) of ${where} would move to ${plan.toBackend} (${from}).`);
    for (const c of plan.cases) ctx.out(`  request ${c.requestId}\tfrom ${c.fromBackend}\t${c.ready ? 'ready' : `cannot move yet: ${c.why}`}`);
    ctx.out('Dry run: nothing was changed. Run again without --dry-run to move them.');
    return EXIT.ok;
  }
  const registry = new BackendRegistry(store.routing, { timeoutMs: ctx.config.deliveryTimeoutMs });
  try {
    const report = await moveOpen(store, registry, key, {
      actor,
      // A case's calls (request and history) fit well inside it; a crashed run's hold lapses soon after.
      leaseMs: Math.max(5_000, 3 * ctx.config.deliveryTimeoutMs),
      onCase: (i) => ctx.out(i.state === 'moved' ? `moved request ${i.requestId} from ${i.fromBackend} to ${plan.toBackend}` : `FAILED request ${i.requestId} from ${i.fromBackend}: ${i.error}`),
    });
    ctx.out(`Move ${report.move.id} of ${where} to ${report.move.toBackend}: ${report.moved} moved, ${report.failed.length} failed${report.move.finishedAt ? ', finished' : '; run it again to retry the failed ones'}.`);
    for (const f of report.failed) ctx.out(`  request ${f.requestId} (${f.fromBackend}): ${f.error}`);
    return report.failed.length ? EXIT.failed : EXIT.ok;
  } finally {
    await registry.close();
  }
}

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContractHarness } from '../backend-contract.ts';
import { fileDropBackend } from '../../../src/backends/file-drop/index.ts';
import { parseCsv, toCsv } from '../../../src/backends/file-drop/csv.ts';

/** The file-drop adapter against real directories in a temporary folder. */
export async function fileDropHarness(): Promise<ContractHarness> {
  const root = mkdtempSync(join(tmpdir(), 'pipework-filedrop-'));
  const outbox = join(root, 'out');
  const inbox = join(root, 'in');
  const backend = fileDropBackend('batch', { outbox, inbox, intervalSeconds: 1, formats: ['csv', 'jsonl'], statusMap: { DONE: 'fixed' } }, { timeoutMs: 1000 });
  const rowsOf = (prefix: string) =>
    readdirSync(outbox)
      .filter((f) => f.startsWith(prefix) && f.endsWith('.csv'))
      .flatMap((f) => {
        const [head, ...rows] = parseCsv(readFileSync(join(outbox, f), 'utf8')).rows;
        return rows.map((r) => Object.fromEntries(head.cells.map((h, i) => [h, r.cells[i]])));
      });
  let n = 0;
  return {
    backend,
    honoursIdempotency: false,
    casesFor: async (d) => rowsOf('requests-').filter((r) => r.description === d).length,
    commentsFor: async (ref) => rowsOf('updates-').filter((r) => r.service_request_id === ref).map((r) => r.description),
    async reportStatus(reference, code, description) {
      writeFileSync(join(inbox, `status-${++n}.csv`), toCsv([['service_request_id', 'status', 'description'], [reference, code, description]]));
      const result = await backend.pullUpdates!(undefined, async () => []);
      await result.done?.();
      return result.reports.map((r) => ({ ...r, reference: r.requestId }));
    },
    async breakPeer() {
      rmSync(outbox, { recursive: true, force: true });
      writeFileSync(outbox, 'not a directory');
    },
    close: async () => rmSync(root, { recursive: true, force: true }),
  };
}

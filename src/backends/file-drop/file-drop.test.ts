import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { relayWorld, until } from '../../../test/support/delivery-world.ts';
import { saveBackend } from '../../routing/manage.ts';
import { parseCsv, toCsv } from './csv.ts';

test('CSV round-trips commas, quotes, new lines; formula-like cells are defused', () => {
  const rows = [['a', 'b,c', 'say "hi"', 'two\nlines', '=HYPERLINK("x")']];
  const back = parseCsv(toCsv(rows)).rows.map((r) => r.cells);
  assert.deepEqual(back, [['a', 'b,c', 'say "hi"', 'two\nlines', `'=HYPERLINK("x")`]]);
  assert.match(parseCsv('a,"b\n').error!, /never closed/);
});

test('file drop: a batch file per interval, written atomically; status CSVs read once, bad rows set aside', async () => {
  const w = await relayWorld();
  const root = mkdtempSync(join(tmpdir(), 'pipework-drop-'));
  const outbox = join(root, 'out');
  const inbox = join(root, 'in');
  try {
    await saveBackend(w.store, { name: 'legacy', kind: 'file-drop', config: { outbox, inbox, intervalSeconds: 1, statusMap: { CLOSED_FIXED: 'fixed' } } }, 'test');
    await w.route('pothole', 'legacy');
    const reqs = [await w.submit('First, with a comma'), await w.submit('Second "quoted"'), await w.submit('Third')];
    w.relay();
    await until(async () => (await Promise.all(reqs.map((r) => w.store.deliveries.forRequest(r.id)))).flat().every((d) => d.state === 'delivered'), 10_000, 'the batch');
    const files = readdirSync(outbox);
    assert.equal(files.filter((f) => f.startsWith('.')).length, 0, 'no half-written files left');
    const csv = files.filter((f) => f.endsWith('.csv'));
    assert.equal(csv.length, 1, 'one file for the batch');
    const [head, ...rows] = parseCsv(readFileSync(join(outbox, csv[0]), 'utf8')).rows.map((r) => r.cells);
    assert.deepEqual(rows.map((r) => r[head.indexOf('description')]), ['First, with a comma', 'Second "quoted"', 'Third']);
    assert.equal(readFileSync(join(outbox, files.find((f) => f.endsWith('.jsonl'))!), 'utf8').trim().split('\n').length, 3);

    mkdirSync(inbox, { recursive: true });
    writeFileSync(
      join(inbox, 'status-1.csv'),
      toCsv([
        ['service_request_id', 'status', 'description', 'updated_datetime'],
        [reqs[0].id, 'CLOSED_FIXED', 'Patched', '2026-01-05T10:00:00Z'],
        [reqs[1].id, '', 'no status', ''],
        [reqs[2].id, 'CLOSED_FIXED', 'bad date', 'yesterday-ish'],
        ['999999', 'CLOSED_FIXED', 'unknown request', ''],
      ]) + 'short,row\r\n',
    );
    await until(async () => (await w.store.requests.get('example', reqs[0].id))!.status === 'fixed', 10_000, 'the status from the file');
    await until(() => !existsSync(join(inbox, 'status-1.csv')), 5_000, 'the file moved to processed/');
    assert.equal(readdirSync(join(inbox, 'processed')).length, 1);
    const rejected = readdirSync(join(inbox, 'rejected'));
    const reasons = parseCsv(readFileSync(join(inbox, 'rejected', rejected[0]), 'utf8')).rows.slice(1).map((r) => r.cells[1]);
    assert.equal(reasons.length, 3);
    assert.ok(reasons.some((r) => /status is empty/.test(r)));
    assert.ok(reasons.some((r) => /not a date-time/.test(r)));
    assert.ok(reasons.some((r) => /has 2 cells, the header has 4/.test(r)));
    // Processed once: the update is in the history a single time.
    await new Promise((r) => setTimeout(r, 1200));
    assert.equal((await w.store.requests.history('example', reqs[0].id)).filter((u) => u.authorKind === 'backend').length, 1);
    assert.equal((await w.store.requests.get('example', reqs[1].id))!.status, 'open');
  } finally {
    await w.close();
    rmSync(root, { recursive: true, force: true });
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readPatternFile, describeProblem } from './files.ts';
import { LIBRARY_DIR, starterLibrary } from './library.ts';
import { lgslServices } from './lgsl.ts';
import { compileProcess, checkTransition } from '../core/process/process.ts';
import { CLOSED_STATUSES } from '../core/statuses.ts';

// The starter library ships with Pipework: every file must validate, and it
// must cover the services councils most often need.

const files = readdirSync(LIBRARY_DIR).filter((f) => f.endsWith('.yaml')).sort();

for (const file of files) {
  test(`library pattern ${file} validates against the schema and the rules`, async () => {
    const { patterns, problems } = await readPatternFile(join(LIBRARY_DIR, file));
    assert.deepEqual(problems.map((p) => describeProblem(file, p)), []);
    assert.equal(patterns.length, 1);
    assert.equal(`${patterns[0].id}.yaml`, file, 'the file is named after the pattern id');
    assert.equal(patterns[0].lifecycle, 'published');
  });
}

test('the library has at least 25 services, including every one the issue lists, with real LGSL codes', async () => {
  const lib = await starterLibrary();
  assert.ok(lib.length >= 25, `only ${lib.length} patterns`);
  const byLgsl = new Set(lib.flatMap((p) => p.lgsl_codes));
  for (const code of [557, 564, 587, 584, 577, 372, 412, 528, 664, 576, 580, 537, 555, 431, 588, 586, 559, 567, 600, 428, 591, 541, 561]) {
    assert.ok(byLgsl.has(code), `LGSL ${code} (${lgslServices().get(code)}) has no pattern`);
  }
  const ids = new Set(lib.map((p) => p.id));
  for (const id of ['missed_bin', 'overhanging_trees', 'pothole', 'street_light', 'fly_tipping', 'graffiti', 'dog_fouling']) assert.ok(ids.has(id), id);
});

test('every library process starts at open, can reach a closing status, and tells the resident when it closes', async () => {
  for (const p of await starterLibrary()) {
    const proc = compileProcess(p.process);
    // Breadth-first from open: some closing status must be reachable.
    const seen = new Set(['open']);
    const queue = ['open'];
    while (queue.length) {
      const s = queue.shift()!;
      for (const k of proc.transitions.keys()) {
        const [from, to] = k.split('>');
        if (from === s && !seen.has(to)) {
          seen.add(to);
          queue.push(to);
        }
      }
    }
    assert.ok([...proc.closing].some((c) => seen.has(c)), `${p.id}: no closing status reachable from open`);
    for (const [key, t] of proc.transitions) {
      const to = key.split('>')[1];
      if (proc.closing.has(to as never)) assert.ok(t.notify, `${p.id}: ${key} closes the request without telling the resident`);
    }
    for (const c of proc.closing) assert.ok(CLOSED_STATUSES.has(c) || c === 'fixed', `${p.id}: ${c} is not a closed status in Open311 terms`);
    assert.ok(checkTransition(proc, 'open', 'open').allowed);
  }
});

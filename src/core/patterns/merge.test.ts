import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergePatterns } from './merge.ts';

const base = () => ({
  name: 'Missed bin',
  questions: [
    { code: 'bin', datatype: 'singlevaluelist', description: 'Which bin?', hint: 'The colour of the lid', values: [{ key: 'grey', name: 'Grey' }, { key: 'blue', name: 'Blue' }] },
    { code: 'when', datatype: 'datetime', description: 'When was it missed?' },
  ],
  process: {
    statuses: [{ status: 'open', label: 'Reported' }, { status: 'closed', label: 'Done', target: '2 days' }],
    transitions: [{ from: 'open', to: 'closed', notify: true }],
    closing: ['closed'],
  },
  retention: { contact_after_closure: '12 months' },
});

test('what only one side changed is taken from that side: the council keeps its hint, gets the source\'s new question', () => {
  const source = base();
  source.questions.splice(1, 0, { code: 'side', datatype: 'string', description: 'Which side of the road?' } as never);
  source.process.statuses[1].target = '1 day';
  const local = base();
  local.questions[0].hint = 'Look at the lid: grey, blue or green';
  const { merged, conflicts } = mergePatterns(base(), source, local);
  assert.deepEqual(conflicts, []);
  assert.deepEqual(merged.questions.map((q) => q.code), ['bin', 'side', 'when'], 'a new question goes after the one it follows in the source');
  assert.equal(merged.questions[0].hint, 'Look at the lid: grey, blue or green');
  assert.equal(merged.process.statuses[1].target, '1 day');
});

test('both sides changing one thing differently is a conflict, with all three values, and the council value stays until resolved', () => {
  const source = base();
  source.questions[0].hint = 'Check the lid colour';
  source.retention.contact_after_closure = '6 months';
  const local = base();
  local.questions[0].hint = 'Look at the lid';
  local.retention.contact_after_closure = '3 months';
  const { merged, conflicts } = mergePatterns(base(), source, local);
  assert.deepEqual(conflicts, [
    { path: 'questions[bin].hint', base: 'The colour of the lid', source: 'Check the lid colour', local: 'Look at the lid' },
    { path: 'retention.contact_after_closure', base: '12 months', source: '6 months', local: '3 months' },
  ]);
  assert.equal(merged.questions[0].hint, 'Look at the lid');

  const settled = mergePatterns(base(), source, local, { 'questions[bin].hint': 'source', 'retention.contact_after_closure': 'local' });
  assert.deepEqual(settled.conflicts, []);
  assert.deepEqual(settled.resolved, ['questions[bin].hint', 'retention.contact_after_closure']);
  assert.equal(settled.merged.questions[0].hint, 'Check the lid colour');
  assert.equal(settled.merged.retention.contact_after_closure, '3 months');
});

test('removals: one side removing what the other left alone removes it; removing what the other changed is a conflict', () => {
  const source = base();
  source.questions = source.questions.filter((q) => q.code !== 'when');
  source.questions[0].values = source.questions[0].values!.filter((v) => v.key !== 'blue');
  const local = base();
  local.questions[0].description = 'Which bin was missed?';
  const clean = mergePatterns(base(), source, local);
  assert.deepEqual(clean.conflicts, []);
  assert.deepEqual(clean.merged.questions.map((q) => q.code), ['bin']);
  assert.deepEqual(clean.merged.questions[0].values!.map((v) => v.key), ['grey']);
  assert.equal(clean.merged.questions[0].description, 'Which bin was missed?');

  const changedThere = base();
  changedThere.questions[1].description = 'When did we miss it?';
  const r = mergePatterns(base(), source, changedThere);
  assert.equal(r.conflicts.length, 1);
  assert.equal(r.conflicts[0].path, 'questions[when]');
  assert.equal(r.conflicts[0].source, undefined);
});

test('transitions merge by from and to; both adding the same question the same way is no conflict', () => {
  const source = base();
  source.process.transitions.push({ from: 'open', to: 'open', notify: false } as never);
  source.questions.push({ code: 'note', datatype: 'text', description: 'Anything else?' } as never);
  const local = base();
  local.process.transitions[0].notify = false;
  local.questions.push({ code: 'note', datatype: 'text', description: 'Anything else?' } as never);
  const { merged, conflicts } = mergePatterns(base(), source, local);
  assert.deepEqual(conflicts, []);
  assert.deepEqual(merged.process.transitions, [{ from: 'open', to: 'closed', notify: false }, { from: 'open', to: 'open', notify: false }]);
  assert.deepEqual(merged.questions.map((q) => q.code), ['bin', 'when', 'note']);
});

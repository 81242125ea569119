import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { readPatternText } from './files.ts';
import { LIBRARY_DIR } from './library.ts';

// Each kind of mistake a council could make in a pattern file gets a message
// that names where it is (path, and line for YAML) and what is wrong.

const good = () => YAML.parse(readFileSync(`${LIBRARY_DIR}/pothole.yaml`, 'utf8'));
const problemsOf = (doc: unknown) => readPatternText(YAML.stringify(doc)).problems;
const find = (problems: { path: string; message: string; line?: number }[], path: string) => {
  const p = problems.find((x) => x.path === path);
  assert.ok(p, `expected a problem at ${path}; got:\n${problems.map((x) => x.message).join('\n')}`);
  return p;
};

test('a library pattern is valid as it stands', () => {
  assert.deepEqual(problemsOf(good()), []);
});

test('wrong types name the path and say what was expected', () => {
  const doc = good();
  doc.name = 42;
  doc.questions[0].required = 'maybe';
  doc.lgsl_codes = ['five'];
  doc.groups = 'Roads';
  const problems = problemsOf(doc);
  assert.match(find(problems, 'name').message, /^name: must be text, got 42/);
  assert.match(find(problems, 'questions[0].required').message, /must be true or false, got "maybe"/);
  assert.match(find(problems, 'lgsl_codes[0]').message, /must be a whole number/);
  assert.match(find(problems, 'groups').message, /must be a list/);
  assert.equal(find(problems, 'name').line, 4, 'the YAML line of the field');
});

test('an unknown status is named with the allowed set', () => {
  const doc = good();
  doc.process.statuses[1].status = 'resolved';
  const p = find(problemsOf(doc), 'process.statuses[1].status');
  assert.match(p.message, /"resolved" is not a status of the Open311 extended set \(open, closed, fixed/);
});

test('a transition to a status the process does not list is refused', () => {
  const doc = good();
  doc.process.transitions.push({ from: 'fixed', to: ['closed'] });
  const i = doc.process.transitions.length - 1;
  const p = find(problemsOf(doc), `process.transitions[${i}].to[0]`);
  assert.match(p.message, /"closed" is not one of this process's statuses \(open, investigating.*\); add it to process.statuses/);
});

test('duplicate attribute codes are refused at the second one', () => {
  const doc = good();
  doc.questions[2].code = 'depth';
  const p = find(problemsOf(doc), 'questions[2].code');
  assert.match(p.message, /"depth" is already used by questions\[0\]/);
});

test('an LGSL code that is not in the Local Government Service List is refused', () => {
  const doc = good();
  doc.lgsl_codes = [557, 99999];
  assert.match(find(problemsOf(doc), 'lgsl_codes[1]').message, /99999 is not a code in the Local Government Service List/);
});

test('a YAML syntax error gives its line and column, not an exception', () => {
  const { problems, patterns } = readPatternText('id: pothole\nversion: 1.0.0\nname: [unclosed\ngroups: x\n');
  assert.equal(patterns.length, 0);
  assert.ok(problems.length >= 1);
  assert.match(problems[0].message, /^not valid YAML at line \d+, column \d+: /);
  assert.ok(problems[0].line! >= 3);
  const json = readPatternText('{"id": "x",', true).problems;
  assert.match(json[0].message, /^not valid JSON at line 1/);
});

test('rules between fields: open is required, closing statuses are listed, a status can move on, answer types fit', () => {
  const doc = good();
  doc.process.statuses = doc.process.statuses.filter((s: { status: string }) => s.status !== 'open');
  doc.process.transitions = doc.process.transitions.filter((t: { from: unknown }) => t.from !== 'open');
  doc.questions[0].answer_type = 'email';
  doc.questions[1].values = [{ key: 'a', name: 'A' }];
  doc.version = '1.0';
  doc.surprise = true;
  const problems = problemsOf(doc);
  assert.match(find(problems, 'process.statuses').message, /must include open/);
  assert.match(find(problems, 'questions[0].answer_type').message, /email does not suit a singlevaluelist question; use radios or select/);
  assert.match(find(problems, 'questions[1].values').message, /only singlevaluelist and multivaluelist questions have values/);
  assert.match(find(problems, 'version').message, /semantic version such as 1.0.0/);
  assert.match(find(problems, 'surprise').message, /not a field this format knows/);

  const stuck = good();
  stuck.process.transitions = stuck.process.transitions.filter((t: { from: unknown }) => JSON.stringify(t.from) !== '"action_scheduled"' && !JSON.stringify(t.from).includes('action_scheduled'));
  assert.match(find(problemsOf(stuck), 'process.statuses[2].status').message, /could never move on/);
});

test('a bundle validates each pattern with its own path and refuses the same id@version twice', () => {
  const a = good();
  const b = good();
  b.questions[0].datatype = 'numeric';
  const { problems } = readPatternText(YAML.stringify({ bundle: { name: 'Roads' }, patterns: [a, b, a] }));
  assert.match(find(problems, 'patterns[1].questions[0].datatype').message, /must be one of string, number/);
  assert.match(find(problems, 'patterns[2].id').message, /pothole@1.0.0 is already in this bundle at patterns\[0\]/);
  const ok = readPatternText(YAML.stringify({ bundle: { name: 'Roads' }, patterns: [a] }));
  assert.deepEqual(ok.problems, []);
  assert.equal(ok.patterns.length, 1);
});

test('a YAML alias bomb is refused with a message, not expanded', () => {
  const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
  for (let i = 0; i < 12; i++) lines.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`);
  const { problems } = readPatternText(lines.join('\n'));
  assert.equal(problems.length, 1);
  assert.match(problems[0].message, /^cannot be read: .*alias/i);
});

test("the Welsh block's status labels and descriptions must name this process's statuses", () => {
  const doc = good();
  doc.cy = { status_labels: { fixed: 'Wedi’i drwsio' }, status_descriptions: { fixed: 'Mae’r gwaith wedi’i wneud.', resolved: 'Wedi’i ddatrys.' } };
  const problems = problemsOf(doc);
  assert.match(find(problems, 'cy.status_descriptions.resolved').message, /"resolved" is not one of this process's statuses/);
  assert.equal(problems.length, 1, 'the statuses it has are fine');
});

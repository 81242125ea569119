import { Value } from '@sinclair/typebox/value';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { STATUSES } from '../core/statuses.ts';
import { DATATYPES } from '../core/services/service.ts';
import { DURATION, SEMVER, SLUG, ServicePatternSchema, type AnswerType, type ServicePattern, type PatternBundle } from './schema.ts';
import { isLgslCode } from './lgsl.ts';

/** One thing wrong with a pattern document: where (a path such as `questions[2].datatype`) and what, in plain English. */
export interface PatternProblem {
  path: string;
  message: string;
  /** The same path as keys and indexes, so a YAML reader can find the line. */
  segments: (string | number)[];
  line?: number;
  column?: number;
}

export type Segments = (string | number)[];

export const pathText = (segs: Segments) =>
  segs.reduce<string>((acc, s) => (typeof s === 'number' ? `${acc}[${s}]` : acc ? `${acc}.${s}` : s), '') || '(document)';

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

const PATTERN_HELP: Record<string, string> = {
  [SLUG]: 'must be a short name in lower case letters and digits, words joined by - or _ (e.g. "street_light")',
  [SEMVER]: 'must be a semantic version such as 1.0.0',
  [DURATION]: 'must be a time such as "24 hours", "5 days" or "10 working days"',
};

const quote = (v: unknown) => (typeof v === 'string' ? `"${v}"` : JSON.stringify(v));

/** TypeBox's messages said the way a council officer editing YAML would understand them. */
function explain(e: ValueError): string {
  const s = e.schema as Record<string, any>;
  switch (e.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return 'is required';
    case ValueErrorType.ObjectAdditionalProperties:
      return 'is not a field this format knows (check the spelling)';
    case ValueErrorType.String:
      if (s.pattern === SEMVER) return `must be a semantic version such as 1.0.0, got ${quote(e.value)} (YAML reads 1.0 as a number: write all three parts)`;
      return `must be text, got ${quote(e.value)}`;
    case ValueErrorType.Integer:
      return `must be a whole number, got ${quote(e.value)}`;
    case ValueErrorType.Boolean:
      return `must be true or false, got ${quote(e.value)}`;
    case ValueErrorType.Array:
      return `must be a list, got ${quote(e.value)}`;
    case ValueErrorType.Object:
      return 'must be a set of fields (key: value)';
    case ValueErrorType.StringPattern:
      return `${PATTERN_HELP[s.pattern] ?? 'is not in the expected form'}, got ${quote(e.value)}`;
    case ValueErrorType.StringFormat:
      return `is not in the expected form, got ${quote(e.value)}`;
    case ValueErrorType.StringMinLength:
      return 'must not be empty';
    case ValueErrorType.StringMaxLength:
      return `must be ${s.maxLength} characters or fewer`;
    case ValueErrorType.ArrayMinItems:
      return `must list at least ${s.minItems}`;
    case ValueErrorType.IntegerMinimum:
    case ValueErrorType.NumberMinimum:
      return `must be at least ${s.minimum}`;
    case ValueErrorType.Union: {
      const consts = (s.anyOf as Record<string, unknown>[]).filter((x) => 'const' in x).map((x) => String(x.const));
      if (consts.length === s.anyOf.length) {
        if (consts.includes('open') && consts.includes('for_triage')) return `${quote(e.value)} is not a status of the Open311 extended set (${consts.join(', ')})`;
        return `must be one of ${consts.join(', ')}; got ${quote(e.value)}`;
      }
      // from/to: a status or a list of statuses
      const bad = list(e.value as unknown).filter((v) => !(STATUSES as readonly unknown[]).includes(v));
      return bad.length
        ? `${bad.map(quote).join(', ')} ${bad.length > 1 ? 'are not statuses' : 'is not a status'} of the Open311 extended set (${STATUSES.join(', ')})`
        : 'must be a status or a list of statuses';
    }
    default:
      return e.message;
  }
}

const segmentsOf = (pointer: string): Segments =>
  pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));

/**
 * Checks one pattern document: first its shape against the JSON Schema, then
 * the rules between fields. Reports every problem, never just the first.
 * `base` prefixes paths (e.g. ['patterns', 3] inside a bundle).
 */
export function validatePattern(doc: unknown, base: Segments = []): { pattern?: ServicePattern; problems: PatternProblem[] } {
  const problems: PatternProblem[] = [];
  const seen = new Set<string>();
  const add = (segs: Segments, message: string) => {
    const all = [...base, ...segs];
    const path = pathText(all);
    if (seen.has(path)) return;
    seen.add(path);
    problems.push({ path, message: `${path}: ${message}`, segments: all });
  };
  if (!isObj(doc)) {
    add([], 'a service pattern must be a set of fields (id, version, name, …); see docs/service-patterns.md');
    return { problems };
  }
  for (const e of Value.Errors(ServicePatternSchema, doc)) add(segmentsOf(e.path), explain(e));
  checkRules(doc, add);
  return problems.length ? { problems } : { pattern: doc as ServicePattern, problems };
}

function checkRules(doc: Record<string, unknown>, add: (segs: Segments, message: string) => void) {
  if (Array.isArray(doc.lgsl_codes)) {
    doc.lgsl_codes.forEach((c, i) => {
      if (Number.isInteger(c) && !isLgslCode(c as number)) add(['lgsl_codes', i], `${c} is not a code in the Local Government Service List (patterns/lgsl-services.csv)`);
    });
  }
  if (Array.isArray(doc.questions)) checkQuestions(doc.questions, add);
  if (isObj(doc.process)) checkProcess(doc.process, add);
  if (isObj(doc.cy)) checkWelsh(doc, doc.cy, add);
  const prov = doc.provenance;
  // Another council's version may share the id and number (derived_from.publisher names it); the same library's may not.
  if (isObj(prov) && isObj(prov.derived_from) && prov.derived_from.publisher === undefined && prov.derived_from.id === doc.id && prov.derived_from.version === doc.version) {
    add(['provenance', 'derived_from'], 'a pattern cannot be derived from itself');
  }
}

/** Which GOV.UK answer types suit which Open311 datatype. */
const ANSWERS_FOR: Record<string, readonly AnswerType[]> = {
  string: ['text', 'email', 'phone', 'address', 'postcode', 'file', 'time'],
  text: ['long_text', 'address'],
  number: ['number'],
  datetime: ['date', 'datetime', 'time'],
  singlevaluelist: ['radios', 'select'],
  multivaluelist: ['checkboxes'],
};

function checkQuestions(questions: unknown[], add: (segs: Segments, message: string) => void) {
  const codes = new Map<string, number>();
  questions.forEach((q, i) => {
    if (!isObj(q)) return;
    if (typeof q.code === 'string') {
      const first = codes.get(q.code);
      if (first !== undefined) add(['questions', i, 'code'], `"${q.code}" is already used by questions[${first}]; each question needs its own code`);
      else codes.set(q.code, i);
    }
    const isList = q.datatype === 'singlevaluelist' || q.datatype === 'multivaluelist';
    const values = Array.isArray(q.values) ? q.values : undefined;
    if (isList && !values?.length) add(['questions', i, 'values'], `a ${q.datatype} question needs at least one allowed value`);
    if (!isList && values && (DATATYPES as readonly unknown[]).includes(q.datatype)) add(['questions', i, 'values'], `only singlevaluelist and multivaluelist questions have values, this one is ${q.datatype}`);
    const keys = new Set<string>();
    values?.forEach((v, j) => {
      if (isObj(v) && typeof v.key === 'string') {
        if (keys.has(v.key)) add(['questions', i, 'values', j, 'key'], `"${v.key}" appears twice in this question's values`);
        keys.add(v.key);
      }
    });
    const fits = ANSWERS_FOR[q.datatype as string];
    if (typeof q.answer_type === 'string' && fits && !fits.includes(q.answer_type as AnswerType)) {
      add(['questions', i, 'answer_type'], `${q.answer_type} does not suit a ${q.datatype} question; use ${fits.join(' or ')}`);
    }
  });
}

function checkProcess(p: Record<string, unknown>, add: (segs: Segments, message: string) => void) {
  const listed = new Set<string>();
  if (!Array.isArray(p.statuses)) return;
  p.statuses.forEach((s, i) => {
    if (!isObj(s) || typeof s.status !== 'string') return;
    if (listed.has(s.status)) add(['process', 'statuses', i, 'status'], `"${s.status}" is listed twice`);
    listed.add(s.status);
  });
  const known = (v: unknown) => typeof v === 'string' && (STATUSES as readonly string[]).includes(v);
  const names = [...listed].join(', ');
  if (!listed.has('open') && [...listed].every(known)) add(['process', 'statuses'], 'must include open: every new request starts there');
  const outgoing = new Set<string>();
  if (Array.isArray(p.transitions)) {
    p.transitions.forEach((t, i) => {
      if (!isObj(t)) return;
      for (const end of ['from', 'to'] as const) {
        const v = t[end];
        const items = Array.isArray(v) ? v : [v];
        items.forEach((st, j) => {
          if (!known(st) || listed.has(st as string)) return;
          add(['process', 'transitions', i, end, ...(Array.isArray(v) ? [j] : [])], `"${st}" is not one of this process's statuses (${names}); add it to process.statuses or remove it here`);
        });
      }
      for (const f of list(t.from)) if (typeof f === 'string') outgoing.add(f);
    });
  }
  const closing = new Set(Array.isArray(p.closing) ? p.closing.filter((c): c is string => typeof c === 'string') : []);
  if (Array.isArray(p.closing)) {
    p.closing.forEach((c, i) => {
      if (known(c) && !listed.has(c as string)) add(['process', 'closing', i], `"${c}" is not one of this process's statuses (${names})`);
    });
  }
  if (closing.has('open')) add(['process', 'closing'], 'open cannot be a closing status: every request starts there');
  p.statuses.forEach((s, i) => {
    if (!isObj(s) || typeof s.status !== 'string' || closing.has(s.status) || outgoing.has(s.status) || !Array.isArray(p.transitions)) return;
    add(['process', 'statuses', i, 'status'], `a request at "${s.status}" could never move on: add a transition from it, or list it in process.closing`);
  });
}

/** The Welsh must name what the English has: the same groups, known statuses, questions and answer keys. */
function checkWelsh(doc: Record<string, unknown>, cy: Record<string, unknown>, add: (segs: Segments, message: string) => void) {
  if (Array.isArray(cy.groups) && Array.isArray(doc.groups) && cy.groups.length !== doc.groups.length) {
    add(['cy', 'groups'], `must list the ${doc.groups.length} group(s) of groups, in the same order`);
  }
  const statuses = new Set(isObj(doc.process) && Array.isArray(doc.process.statuses) ? doc.process.statuses.map((s) => (isObj(s) ? s.status : undefined)) : []);
  for (const field of ['status_labels', 'status_descriptions'] as const) {
    const byStatus = cy[field];
    if (isObj(byStatus)) for (const st of Object.keys(byStatus)) if (!statuses.has(st)) add(['cy', field, st], `"${st}" is not one of this process's statuses`);
  }
  const questions = new Map((Array.isArray(doc.questions) ? doc.questions : []).filter(isObj).map((q) => [q.code, q]));
  if (isObj(cy.questions)) {
    for (const [code, w] of Object.entries(cy.questions)) {
      const q = questions.get(code);
      if (!q) {
        add(['cy', 'questions', code], `"${code}" is not the code of a question in questions`);
        continue;
      }
      const keys = new Set(Array.isArray(q.values) ? q.values.map((v) => (isObj(v) ? v.key : undefined)) : []);
      if (isObj(w) && isObj(w.values)) for (const k of Object.keys(w.values)) if (!keys.has(k)) add(['cy', 'questions', code, 'values', k], `"${k}" is not a key of this question's values`);
    }
  }
}

/** A bundle: several patterns in one document, for handing a whole set to another council. */
export const isBundleDoc = (doc: unknown): boolean => isObj(doc) && ('patterns' in doc || 'bundle' in doc);

/**
 * Validates a document that is either one pattern or a bundle of them.
 * Also refuses two patterns with the same id and version in one bundle.
 */
export function validateDocument(doc: unknown): { patterns: ServicePattern[]; bundle?: PatternBundle['bundle']; problems: PatternProblem[] } {
  if (!isBundleDoc(doc)) {
    const { pattern, problems } = validatePattern(doc);
    return { patterns: pattern ? [pattern] : [], problems };
  }
  const d = doc as Record<string, unknown>;
  const problems: PatternProblem[] = [];
  const add = (segs: Segments, message: string) => problems.push({ path: pathText(segs), message: `${pathText(segs)}: ${message}`, segments: segs });
  for (const k of Object.keys(d)) if (k !== 'bundle' && k !== 'patterns') add([k], 'is not a field of a bundle (bundle, patterns)');
  const b = d.bundle;
  if (!isObj(b) || typeof b.name !== 'string' || !b.name.trim()) add(['bundle', 'name'], 'is required: a name for the set of patterns');
  if (!Array.isArray(d.patterns) || !d.patterns.length) {
    add(['patterns'], 'must be a list of at least one service pattern');
    return { patterns: [], problems };
  }
  const patterns: ServicePattern[] = [];
  const ids = new Map<string, number>();
  d.patterns.forEach((p, i) => {
    const r = validatePattern(p, ['patterns', i]);
    problems.push(...r.problems);
    if (!r.pattern) return;
    const key = `${r.pattern.id}@${r.pattern.version}`;
    if (ids.has(key)) add(['patterns', i, 'id'], `${key} is already in this bundle at patterns[${ids.get(key)}]`);
    ids.set(key, i);
    patterns.push(r.pattern);
  });
  return { patterns: problems.length ? [] : patterns, bundle: isObj(b) ? (b as PatternBundle['bundle']) : undefined, problems };
}

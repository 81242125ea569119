import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type * as yamlType from 'yaml';
import type { PatternProblem, Segments } from './validate.ts';
import { validateDocument } from './validate.ts';
import type { PatternBundle, ServicePattern } from './schema.ts';

// Loaded when a pattern file is first read, not at start (docs/performance.md: start-up).
const require = createRequire(import.meta.url);
const yaml = () => require('yaml') as typeof yamlType;

export interface ParsedDocument {
  doc?: unknown;
  /** Finds the line of a path in the source, for messages. */
  lineOf: (segs: Segments) => number | undefined;
  problems: PatternProblem[];
}

/**
 * Parses YAML or JSON text (JSON is YAML, so one parser reads both; `json`
 * only changes the wording of errors). A syntax error becomes a problem that
 * names the line and column, never an exception.
 */
export function parseText(text: string, json = false): ParsedDocument {
  const { LineCounter, isNode, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const parsed = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const none = () => undefined;
  if (parsed.errors.length) {
    const problems = parsed.errors.map((e): PatternProblem => {
      const pos = lineCounter.linePos(e.pos[0]);
      const message = `not valid ${json ? 'JSON' : 'YAML'} at line ${pos.line}, column ${pos.col}: ${e.message.split('\n')[0]}`;
      return { path: '(document)', message, segments: [], line: pos.line, column: pos.col };
    });
    return { lineOf: none, problems };
  }
  let doc: unknown;
  try {
    // A bounded alias count: a "billion laughs" document is refused, not expanded.
    doc = parsed.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return { lineOf: none, problems: [{ path: '(document)', message: `cannot be read: ${(e as Error).message}`, segments: [] }] };
  }
  return {
    doc,
    problems: [],
    lineOf: (segs) => {
      for (let n = segs.length; n >= 0; n--) {
        const node = parsed.getIn(segs.slice(0, n), true);
        if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
      }
      return undefined;
    },
  };
}

/** Parses and validates pattern text; every problem carries its path and, where known, its line. */
export function readPatternText(text: string, json = false): { patterns: ServicePattern[]; bundle?: PatternBundle['bundle']; problems: PatternProblem[] } {
  const parsed = parseText(text, json);
  if (parsed.problems.length) return { patterns: [], problems: parsed.problems };
  const result = validateDocument(parsed.doc);
  for (const p of result.problems) p.line = parsed.lineOf(p.segments);
  return result;
}

/** Reads a pattern or bundle file; problems are prefixed with the file name (and line). */
export async function readPatternFile(file: string) {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const problems: PatternProblem[] = [{ path: file, message: `cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, segments: [] }];
    return { patterns: [] as ServicePattern[], problems };
  }
  return readPatternText(text, file.endsWith('.json'));
}

/** "file.yaml:12: questions[0].datatype: …" — the line a person can jump to. */
export const describeProblem = (file: string, p: PatternProblem) => `${file}${p.line ? `:${p.line}` : ''}${p.column ? `:${p.column}` : ''}: ${p.message}`;

/** YAML as written by export: stable key order (the document's own), no line folding. */
export const toYaml = (doc: unknown) => yaml().stringify(doc, { lineWidth: 0 });

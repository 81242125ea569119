import { createRequire } from 'node:module';
import type jsonataType from 'jsonata';
import type proj4Type from 'proj4';
import { DeliveryError } from '../port.ts';

// Loaded on first use: only councils with a REST back-end need them, and together they cost
// about 15 MB of every process's idle RSS (decision 0143).
const require = createRequire(import.meta.url);
let loaded: { jsonata: typeof jsonataType; proj4: typeof proj4Type } | undefined;
const libs = () => (loaded ??= { jsonata: require('jsonata'), proj4: require('proj4') });
const jsonata = (src: string): jsonataType.Expression => libs().jsonata(src);

/**
 * The mapping half's language is JSONata (https://docs.jsonata.org), not one
 * of our own. A configuration holds two shapes of it:
 *
 * - an **expression** (a string, or an array of lines joined by newlines, so a
 *   long one stays readable in JSON): `{ 'designCode': settings.designCode }`;
 * - a **text template** for paths, query values and headers: plain text with
 *   JSONata between braces, `item/{reference}`. No braces inside a placeholder.
 *
 * Besides JSONata's own functions, templates get `$bng(lat, long)`: the point
 * on the British National Grid, `{ "easting", "northing" }` in metres (many
 * council systems, Confirm among them, locate by easting and northing).
 */
export type Expr = string | string[];

export const source = (e: Expr) => (Array.isArray(e) ? e.join('\n') : e);

const PLACEHOLDER = /\{([^{}]+)\}/g;

/** One evaluation's limit: a mapping of one request takes microseconds; far more is a loop. */
const EVALUATION_MS = 1000;

/** Why an expression does not compile, or undefined when it does. */
export function expressionProblem(e: Expr): string | undefined {
  try {
    jsonata(source(e));
    return undefined;
  } catch (err) {
    const j = err as { message: string; position?: number };
    return `is not a JSONata expression: ${j.message}${j.position !== undefined ? ` (at character ${j.position})` : ''}`;
  }
}

/** Why a text template does not compile, or undefined when it does. */
export function templateProblem(t: string): string | undefined {
  if (/[{}]/.test(t.replace(PLACEHOLDER, ''))) return 'has an unmatched "{" or "}" (placeholders are {expression}, without braces inside)';
  for (const [, inner] of t.matchAll(PLACEHOLDER)) {
    const p = expressionProblem(inner);
    if (p) return `placeholder {${inner}} ${p}`;
  }
  return undefined;
}

/**
 * Compiled expressions, each compiled once per back-end instance. A failure
 * while evaluating is a configuration fault, not the back-end's: it is a
 * DeliveryError that says which field failed, not retryable (the same data
 * would fail again).
 */
export class Templates {
  private cache = new Map<string, jsonataType.Expression>();
  constructor(private from: string) {}

  private compiled(src: string) {
    let e = this.cache.get(src);
    if (!e) {
      e = jsonata(src);
      // JSONata calls this hook before each step of an evaluation: it stops a runaway expression
      // (a recursive function that never ends) instead of letting it hold a job and a core.
      (e.assign as unknown as (name: symbol, value: unknown) => void)(Symbol.for('jsonata.__evaluate_entry'), (_expr: unknown, _input: unknown, env: { lookup(n: string): unknown }) => {
        if (Date.now() > (env.lookup('__deadline') as number)) throw new Error(`took longer than ${EVALUATION_MS} ms`);
      });
      this.cache.set(src, e);
    }
    return e;
  }

  async evaluate(field: string, e: Expr, context: object): Promise<unknown> {
    try {
      return plain(await this.compiled(source(e)).evaluate(context, { ...BINDINGS, __deadline: Date.now() + EVALUATION_MS }));
    } catch (err) {
      throw new DeliveryError(`${this.from}: ${field} failed: ${(err as Error).message}`, false);
    }
  }

  /** Fills a text template; `encode` URL-encodes what each placeholder gives (paths and query values). */
  async fill(field: string, t: string, context: object, encode = false): Promise<string> {
    let out = '';
    let last = 0;
    for (const m of t.matchAll(PLACEHOLDER)) {
      const v = await this.evaluate(field, m[1], context);
      const text = v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
      out += t.slice(last, m.index) + (encode ? encodeURIComponent(text) : text);
      last = m.index! + m[0].length;
    }
    return out + t.slice(last);
  }
}

// OSGB36 / British National Grid (EPSG:27700), with the usual seven-parameter shift from WGS84.
const BNG = '+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 +ellps=airy +towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489 +units=m +no_defs';

const BINDINGS = {
  bng(lat: unknown, long: unknown) {
    const [y, x] = [Number(lat), Number(long)];
    if (lat === null || long === null || lat === undefined || long === undefined || !Number.isFinite(x) || !Number.isFinite(y)) return undefined;
    const [easting, northing] = libs().proj4('EPSG:4326', BNG, [x, y]);
    return { easting: Math.round(easting), northing: Math.round(northing) };
  },
};

// JSONata gives objects with null prototypes and arrays flagged as sequences: plain data from here on.
function plain(v: unknown): unknown {
  return v === undefined ? undefined : JSON.parse(JSON.stringify(v));
}

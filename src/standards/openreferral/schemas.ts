import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

/**
 * The ORUK 3.0 JSON schemas (copied unchanged into ./schema/ from the Open
 * Referral UK profile, CC BY-SA 4.0) compiled once, on first use. The files
 * carry no `$schema`; HSDS 3.0 publishes them as draft 2020-12, so that is
 * the dialect used. Their extra keywords (`datapackage_metadata`, `core`, …)
 * are annotations, hence `strict: false`.
 */
export const SHAPES = ['service', 'service_list', 'service_at_location', 'service_at_location_list', 'organization', 'organization_list', 'taxonomy', 'taxonomy_term', 'page'] as const;
export type Shape = (typeof SHAPES)[number];

const read = (name: string) => JSON.parse(readFileSync(new URL(`./schema/${name}`, import.meta.url), 'utf8'));
const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;

let ajv: Ajv2020 | undefined;
const compiled = new Map<Shape, ValidateFunction>();

/** Each shape is compiled when first asked for: the schemas are large, and an import needs only one. */
function validator(shape: Shape): ValidateFunction {
  const known = compiled.get(shape);
  if (known) return known;
  if (!ajv) {
    ajv = new Ajv2020({ strict: false, allErrors: true });
    (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  }
  const fn = ajv.compile(source(shape));
  compiled.set(shape, fn);
  return fn;
}

function source(shape: Shape): object {
  const defs = () => read('service_with_definitions.json').definitions;
  const page = () => read('openapi.json').components.schemas.Page;
  const sources: Record<Shape, () => object> = {
    service: () => read('service.json'),
    service_list: () => read('service_list.json'),
    service_at_location: () => read('service_at_location.json'),
    service_at_location_list: () => read('service_at_location_list.json'),
    organization: () => read('organization.json'),
    organization_list: () => read('organization_list.json'),
    // The profile has no compiled taxonomy files; its definitions of them are these.
    taxonomy: () => ({ ...defs().taxonomy, definitions: defs() }),
    taxonomy_term: () => ({ ...defs().taxonomy_term, definitions: defs() }),
    // Every list's envelope: the OpenAPI Page with the keys it names all required.
    page: () => ({ ...page(), required: Object.keys(page().properties).concat('contents'), properties: { ...page().properties, contents: { type: 'array' } } }),
  };
  return sources[shape]();
}

export interface SchemaProblem {
  /** Where, as a JSON path: `$.contacts[0].id`. */
  path: string;
  message: string;
}

/** Every way `value` breaks the schema of `shape`; empty when it is valid. */
export function problemsOf(shape: Shape, value: unknown, at = '$'): SchemaProblem[] {
  const validate = validator(shape);
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => ({ path: at + jsonPath(e), message: explain(e) }));
}

/** Ajv's `/contacts/0/id` as `.contacts[0].id`, with the missing property named. */
function jsonPath(e: ErrorObject): string {
  const parts = e.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (e.keyword === 'required') parts.push(String(e.params.missingProperty));
  return parts.map((p) => (/^\d+$/.test(p) ? `[${p}]` : /^[A-Za-z_][\w]*$/.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`)).join('');
}

function explain(e: ErrorObject): string {
  if (e.keyword === 'required') return 'is required';
  if (e.keyword === 'format') return `must be ${e.params.format === 'uuid' ? 'a UUID' : `a valid ${e.params.format}`}`;
  if (e.keyword === 'enum') return `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  if (e.keyword === 'type') return `must be ${e.params.type === 'array' ? 'an array' : e.params.type === 'object' ? 'an object' : `a ${e.params.type}`}`;
  return e.message ?? 'is not valid';
}

import { DATATYPES, SERVICE_TYPES, VISIBILITIES, type Service, type ServiceAttribute } from './service.ts';
import type { FieldProblem } from '../errors.ts';

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const CODE = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Reads the portable service file (YAML or JSON): a list of services, or
 * `{ services: [...] }`, in Open311's own spelling, so a council can copy a
 * definition from any GeoReport v2 server. Reports every problem with its path.
 */
export function fromServiceFile(doc: unknown, jurisdictionId: string): { services: Service[]; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const p = (field: string, message: string) => problems.push({ field, message: `${field}: ${message}` });
  const list = Array.isArray(doc) ? doc : isObj(doc) ? doc.services : undefined;
  const base = Array.isArray(doc) ? '' : 'services';
  if (!Array.isArray(list)) {
    p(base || '(document)', 'expected a list of services, or an object with a "services" list');
    return { services: [], problems };
  }
  const services: Service[] = [];
  const seen = new Set<string>();
  list.forEach((raw, i) => {
    const at = `${base}[${i}]`;
    if (!isObj(raw)) return p(at, 'each service must be an object');
    const s = raw as Record<string, unknown>;
    const text = (key: string, required = true) => {
      const v = s[key];
      if (v === undefined || v === null) {
        if (required) p(`${at}.${key}`, 'is required');
        return undefined;
      }
      if (typeof v !== 'string') p(`${at}.${key}`, `must be text, got ${typeof v}`);
      return typeof v === 'string' ? v : undefined;
    };
    const strings = (key: string) => {
      const v = s[key] ?? [];
      const arr = typeof v === 'string' ? v.split(',').map((x) => x.trim()).filter(Boolean) : v;
      if (!Array.isArray(arr) || arr.some((x) => typeof x !== 'string')) {
        p(`${at}.${key}`, 'must be a list of text');
        return [];
      }
      return arr as string[];
    };
    const code = text('code');
    if (code !== undefined && !CODE.test(code)) p(`${at}.code`, `"${code}" may only use letters, digits, - and _ (at most 64)`);
    if (code && seen.has(code)) p(`${at}.code`, `"${code}" is used by another service in this file`);
    if (code) seen.add(code);
    const type = s.type ?? 'realtime';
    if (!SERVICE_TYPES.includes(type as never)) p(`${at}.type`, `must be one of ${SERVICE_TYPES.join(', ')}, got "${String(type)}"`);
    const visibility = s.visibility ?? 'public';
    if (!VISIBILITIES.includes(visibility as never)) p(`${at}.visibility`, `must be one of ${VISIBILITIES.join(', ')}, got "${String(visibility)}"`);
    const lgsl = s.lgsl_code;
    if (lgsl !== undefined && lgsl !== null && !(Number.isInteger(lgsl) && (lgsl as number) > 0)) p(`${at}.lgsl_code`, 'must be a positive whole number');
    if (s.active !== undefined && typeof s.active !== 'boolean') p(`${at}.active`, 'must be true or false');
    const attributes = attributesOf(s.attributes, `${at}.attributes`, p);
    services.push({
      jurisdictionId,
      code: code ?? '',
      name: text('name') ?? '',
      description: text('description', false) ?? '',
      groups: strings('groups').concat(typeof s.group === 'string' ? [s.group] : []),
      keywords: strings('keywords'),
      type: type as Service['type'],
      lgslCode: typeof lgsl === 'number' ? lgsl : undefined,
      attributes,
      active: s.active !== false,
      visibility: visibility as Service['visibility'],
      agencyResponsible: text('agency_responsible', false),
      serviceNotice: text('service_notice', false),
    });
  });
  return { services, problems };
}

function attributesOf(raw: unknown, at: string, p: (f: string, m: string) => void): ServiceAttribute[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    p(at, 'must be a list of attributes');
    return [];
  }
  const codes = new Set<string>();
  return raw.map((a, i): ServiceAttribute | undefined => {
    const here = `${at}[${i}]`;
    if (!isObj(a)) {
      p(here, 'each attribute must be an object');
      return undefined;
    }
    const code = typeof a.code === 'string' ? a.code : undefined;
    if (!code) p(`${here}.code`, 'is required');
    else if (codes.has(code)) p(`${here}.code`, `"${code}" appears twice in this service`);
    else codes.add(code);
    if (!DATATYPES.includes(a.datatype as never)) p(`${here}.datatype`, `must be one of ${DATATYPES.join(', ')}, got "${String(a.datatype)}"`);
    if (typeof a.description !== 'string') p(`${here}.description`, 'is required: the question shown to the person');
    for (const flag of ['required', 'variable'] as const) {
      if (a[flag] !== undefined && typeof a[flag] !== 'boolean') p(`${here}.${flag}`, 'must be true or false');
    }
    if (a.order !== undefined && !(Number.isInteger(a.order) && (a.order as number) > 0)) p(`${here}.order`, 'must be a positive whole number');
    if (a.automated !== undefined && a.automated !== 'hidden_field' && a.automated !== 'server_set') p(`${here}.automated`, 'must be hidden_field or server_set');
    const isList = a.datatype === 'singlevaluelist' || a.datatype === 'multivaluelist';
    const values = Array.isArray(a.values) ? a.values : [];
    if (isList && !values.length) p(`${here}.values`, `a ${String(a.datatype)} needs at least one value`);
    values.forEach((v, j) => {
      if (!isObj(v) || (typeof v.key !== 'string' && typeof v.key !== 'number') || typeof v.name !== 'string') {
        p(`${here}.values[${j}]`, 'each value needs a key and a name');
      }
    });
    return {
      code: code ?? '',
      datatype: a.datatype as ServiceAttribute['datatype'],
      required: a.required === true,
      variable: a.variable !== false,
      order: typeof a.order === 'number' ? a.order : i + 1,
      description: typeof a.description === 'string' ? a.description : '',
      datatypeDescription: typeof a.datatype_description === 'string' ? a.datatype_description : undefined,
      values: isList ? values.filter(isObj).map((v) => ({ key: String(v.key), name: String(v.name) })) : undefined,
      automated: a.automated as ServiceAttribute['automated'],
    };
  }).filter((a): a is ServiceAttribute => !!a);
}

/** The inverse of fromServiceFile, for `services export`. */
export function toServiceFile(services: Service[]): Record<string, unknown>[] {
  return services.map((s) => ({
    code: s.code,
    name: s.name,
    description: s.description,
    groups: s.groups,
    keywords: s.keywords,
    type: s.type,
    ...(s.lgslCode ? { lgsl_code: s.lgslCode } : {}),
    active: s.active,
    visibility: s.visibility,
    ...(s.agencyResponsible ? { agency_responsible: s.agencyResponsible } : {}),
    ...(s.serviceNotice ? { service_notice: s.serviceNotice } : {}),
    attributes: s.attributes.map((a) => ({
      code: a.code,
      datatype: a.datatype,
      required: a.required,
      variable: a.variable,
      order: a.order,
      description: a.description,
      ...(a.datatypeDescription ? { datatype_description: a.datatypeDescription } : {}),
      ...(a.values ? { values: a.values } : {}),
      ...(a.automated ? { automated: a.automated } : {}),
    })),
  }));
}

/** Service file keys and the service fields each one sets. */
const FILE_KEYS: Record<string, (keyof Service)[]> = {
  name: ['name'],
  description: ['description'],
  groups: ['groups'],
  group: ['groups'],
  keywords: ['keywords'],
  type: ['type'],
  lgsl_code: ['lgslCode'],
  attributes: ['attributes'],
  active: ['active'],
  visibility: ['visibility'],
  agency_responsible: ['agencyResponsible'],
  service_notice: ['serviceNotice'],
};
/** What a question carries beyond the file format (from its pattern): kept when a file redefines the question. */
const WEB_ONLY: (keyof ServiceAttribute)[] = ['answerType', 'hint', 'errorMessages', 'welsh'];

/**
 * Reads a service file as changes to the council's `existing` services: a
 * service already there keeps everything the file does not mention (a file
 * with only `code` and `active: false` retires it and nothing else), and its
 * pattern binding, status labels and Welsh wording; questions the file
 * redefines keep their web hints and Welsh. A new service must be complete.
 * With `replace`, each service is exactly what the file says (as before merging existed).
 */
export function mergeServiceFile(doc: unknown, jurisdictionId: string, existing: Service[], replace = false): { services: Service[]; problems: FieldProblem[] } {
  if (replace) return fromServiceFile(doc, jurisdictionId);
  const byCode = new Map(existing.map((s) => [s.code, s]));
  const list = Array.isArray(doc) ? doc : isObj(doc) && Array.isArray(doc.services) ? doc.services : undefined;
  if (!list) return fromServiceFile(doc, jurisdictionId);
  // Fill what an existing service's entry leaves out, so the one validator checks the merged whole.
  const filled = list.map((raw) => {
    const old = isObj(raw) && typeof raw.code === 'string' ? byCode.get(raw.code) : undefined;
    if (!old) return raw;
    const base = toServiceFile([old])[0];
    if (raw.group !== undefined && raw.groups === undefined) delete base.groups;
    return { ...base, ...raw };
  });
  const parsed = fromServiceFile(Array.isArray(doc) ? filled : { ...(doc as object), services: filled }, jurisdictionId);
  if (parsed.problems.length) return parsed;
  const services = parsed.services.map((s, i) => {
    const old = byCode.get(s.code);
    const raw = list[i] as Record<string, unknown>;
    if (!old) return s;
    const merged: Service = { ...old };
    for (const [key, fields] of Object.entries(FILE_KEYS)) {
      if (raw[key] === undefined) continue;
      for (const f of fields) (merged as unknown as Record<string, unknown>)[f] = s[f];
    }
    if (raw.attributes !== undefined) {
      merged.attributes = s.attributes.map((a) => {
        const before = old.attributes.find((o) => o.code === a.code);
        const kept = Object.fromEntries(WEB_ONLY.filter((k) => before?.[k] !== undefined).map((k) => [k, before![k]]));
        return { ...kept, ...Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined)) } as ServiceAttribute;
      });
    }
    return merged;
  });
  return { services, problems: [] };
}

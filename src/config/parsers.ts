import { parseSecretKey } from '../core/secrets.ts';

// How each configuration value is read from its environment variable: each
// parser returns the value or throws an Error whose message says what is wrong.

export const integer = (min: number, max: number) => (raw: string): number => {
  if (!/^\d+$/.test(raw.trim())) throw new Error(`must be a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new Error(`must be between ${min} and ${max}, got ${n}`);
  return n;
};

export const oneOf = <T extends string>(...values: T[]) => (raw: string): T => {
  if (!values.includes(raw as T)) throw new Error(`must be one of ${values.join(', ')}, got "${raw}"`);
  return raw as T;
};

export const boolean = (raw: string): boolean => {
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new Error(`must be true or false, got "${raw}"`);
};

export const databaseUrl = (raw: string): string => {
  if (raw.startsWith('sqlite:') && raw.length > 'sqlite:'.length) return raw;
  if (/^postgres(ql)?:\/\/.+/.test(raw)) return raw;
  throw new Error(`must be sqlite:PATH or postgres://USER@HOST:PORT/DB, got "${raw}"`);
};

export const url = (raw: string): string => {
  if (raw === '') return raw;
  try {
    const u = new URL(raw);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
  } catch {
    throw new Error(`must be an http(s) URL such as https://reports.example.gov.uk, got "${raw}"`);
  }
  return raw.replace(/\/+$/, '');
};

export const secretKey = (raw: string): string => {
  if (raw.trim() === '') return '';
  parseSecretKey(raw);
  return raw.trim();
};

export const smtpUrl = (raw: string): string => {
  if (raw === '') return raw;
  if (!/^smtps?:\/\/[^/]+/.test(raw) || !URL.canParse(raw)) throw new Error(`must be smtp://HOST:PORT or smtps://USER:PASSWORD@HOST:PORT, got "${raw.replace(/\/\/[^@]*@/, '//…@')}"`);
  return raw;
};

// A GOV.UK Notify key ends with the service id and the secret, 36 characters each (two UUIDs).
export const notifyKey = (raw: string): string => {
  if (raw === '') return raw;
  const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
  if (!new RegExp(`-${uuid}-${uuid}$`).test(raw.trim())) throw new Error('must be a GOV.UK Notify API key (NAME-SERVICEID-SECRET)');
  return raw.trim();
};

/** A template id, or one per language (Notify templates are written in one language each). */
export type NotifyTemplateId = string | { en: string; cy?: string };
export type NotifyTemplates = Partial<Record<'email' | 'sms', Partial<Record<'confirmation' | 'status' | 'reply' | 'merged', NotifyTemplateId>>>>;
export const notifyTemplates = (raw: string): NotifyTemplates => {
  if (raw === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error('must be JSON such as {"email":{"confirmation":"TEMPLATE-ID"}}');
  }
  const ok = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!ok(parsed)) throw new Error('must be a JSON object keyed by channel (email, sms)');
  for (const [channel, kinds] of Object.entries(parsed as object)) {
    if (!['email', 'sms'].includes(channel) || !ok(kinds)) throw new Error(`has an unknown channel "${channel}" (email, sms)`);
    for (const [kind, id] of Object.entries(kinds as object)) {
      const valid = typeof id === 'string' ? !!id : ok(id) && typeof id.en === 'string' && !!id.en && (id.cy === undefined || (typeof id.cy === 'string' && !!id.cy));
      if (!['confirmation', 'status', 'reply', 'merged'].includes(kind) || !valid) throw new Error(`${channel}.${kind} must be one of confirmation, status, reply, merged with a template id (or {"en": ID, "cy": ID})`);
    }
  }
  return parsed as NotifyTemplates;
};

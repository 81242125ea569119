import type { FieldProblem } from '../errors.ts';
import { MIN_HEADER_CONTRAST, contrastWithWhite, isHexColour } from './colour.ts';

/**
 * A council as it is set up: its names, the web addresses that serve it, and
 * the settings its pages and Open311 discovery read. Every setting is one
 * flat, named text field, so the CLI (`--contact-email`), the admin API and
 * the page forms name them alike.
 *
 * @example { id: 'example', name: 'Example Borough Council', hosts: ['reports.example.gov.uk'], settings: { contactEmail: 'streets@example.gov.uk' }, version: 1 }
 */
export interface Council {
  id: string;
  name: string;
  welshName?: string;
  /** Host names (with a port when not 80/443) that serve this council's resident web, lower case. */
  hosts: string[];
  settings: CouncilSettings;
  /** Moves on with each change; a change made against an older version is refused. */
  version: number;
}

/** What each setting is, for forms, the CLI's help and validation. */
export interface SettingField<K extends string = string> {
  key: K;
  label: string;
  hint?: string;
  kind: 'text' | 'long' | 'email' | 'url' | 'colour' | 'date' | 'choice';
  choices?: readonly string[];
  /** Which form it is edited on. */
  group: 'contact' | 'look' | 'accessibility' | 'privacy';
}

export const ACCESSIBILITY_STATUSES = ['full', 'partial', 'not'] as const;

const fieldList = <K extends string>(list: readonly SettingField<K>[]) => list;

export const SETTING_FIELDS = fieldList([
  { key: 'contactEmail', group: 'contact', kind: 'email', label: 'Contact email address', hint: 'Where residents and other systems can reach the team that runs this service' },
  { key: 'contactPhone', group: 'contact', kind: 'text', label: 'Contact phone number' },
  { key: 'contactUrl', group: 'contact', kind: 'url', label: 'Contact page on the council website' },
  { key: 'discoveryContact', group: 'contact', kind: 'long', label: 'Contact text for Open311 discovery', hint: 'Shown to developers of Open311 clients, for example FixMyStreet' },
  { key: 'keyRequest', group: 'contact', kind: 'long', label: 'How to ask for an API key', hint: 'Open311 discovery shows this as key_service' },
  { key: 'emergencyText', group: 'contact', kind: 'long', label: 'Emergency text', hint: 'For example: If there is a danger to life, call 999. For an emergency out of hours call 0300 …' },
  { key: 'emergencyTextWelsh', group: 'contact', kind: 'long', label: 'Emergency text in Welsh' },
  { key: 'logoUrl', group: 'look', kind: 'url', label: 'Logo address', hint: 'An https:// address of an SVG or PNG, shown in the header' },
  { key: 'headerColour', group: 'look', kind: 'colour', label: 'Header colour', hint: 'A colour like #0b0c0c; white text on it must reach a contrast of 4.5 to 1' },
  { key: 'a11yStatus', group: 'accessibility', kind: 'choice', choices: ACCESSIBILITY_STATUSES, label: 'Compliance status', hint: 'Fully, partially or not compliant with WCAG 2.2 AA' },
  { key: 'a11yNonCompliance', group: 'accessibility', kind: 'long', label: 'Content that is not accessible, and why', hint: 'Needed unless the service is fully compliant' },
  { key: 'a11yReportProblem', group: 'accessibility', kind: 'long', label: 'How to report an accessibility problem' },
  { key: 'a11yEnforcement', group: 'accessibility', kind: 'long', label: 'Enforcement procedure', hint: 'Leave empty for the standard text about the Equality and Human Rights Commission' },
  { key: 'a11yPreparedOn', group: 'accessibility', kind: 'date', label: 'Date the statement was prepared', hint: 'As 2026-03-31' },
  { key: 'privacyController', group: 'privacy', kind: 'long', label: 'Data controller', hint: 'The council’s legal name and address' },
  { key: 'privacyContact', group: 'privacy', kind: 'long', label: 'Data protection officer contact' },
  { key: 'privacyLawfulBasis', group: 'privacy', kind: 'long', label: 'Lawful basis', hint: 'For example: public task, UK GDPR article 6(1)(e)' },
  { key: 'privacyRetention', group: 'privacy', kind: 'long', label: 'How long reports are kept' },
  { key: 'privacyRights', group: 'privacy', kind: 'long', label: 'Residents’ rights', hint: 'Leave empty for the standard text' },
  { key: 'privacyIco', group: 'privacy', kind: 'long', label: 'Complaints to the ICO', hint: 'Leave empty for the standard text' },
]);

export type SettingKey = (typeof SETTING_FIELDS)[number]['key'];
export type CouncilSettings = Partial<Record<SettingKey, string>>;

export const SETTING_KEYS: SettingKey[] = SETTING_FIELDS.map((f) => f.key);
export const isSettingKey = (k: string): k is SettingKey => (SETTING_KEYS as string[]).includes(k);

/** What the law asks every statement to say, worded once when a council leaves it empty. */
export const STANDARD_TEXT = {
  a11yEnforcement:
    'The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018. If you are not happy with how we respond to your complaint, contact the Equality Advisory and Support Service (EASS).',
  privacyRights:
    'You have the right to ask for a copy of the information we hold about you, to have it corrected, and in some cases to have it erased or its use restricted, or to object to its use.',
  privacyIco:
    'If you are unhappy with how we have used your information, you can complain to the Information Commissioner’s Office (ICO): ico.org.uk/make-a-complaint, or call 0303 123 1113.',
} as const;

export const COUNCIL_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
const HOST = /^(?=.{1,253}(:|$))[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*(:\d{1,5})?$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX = { short: 200, long: 10_000 };
export const MAX_HOSTS = 20;

/** A host as a browser sends it in the Host header, compared without case and without a trailing dot. */
export const normaliseHost = (h: string) => h.trim().toLowerCase().replace(/\.$/, '').replace(/:(80|443)$/, '');

/** Every problem with a council as it would be stored, by field (empty when it may be stored). */
export function councilProblems(c: Omit<Council, 'version'>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const p = (field: string, message: string) => problems.push({ field, message });
  if (!COUNCIL_ID.test(c.id)) p('id', 'The ID must be 1 to 63 lower-case letters, digits and hyphens, starting with a letter or digit, such as "westshire"');
  if (!c.name.trim()) p('name', 'Enter the council’s name');
  else if (c.name.length > MAX.short) p('name', `The name must be ${MAX.short} characters or fewer`);
  if (c.welshName && c.welshName.length > MAX.short) p('welshName', `The Welsh name must be ${MAX.short} characters or fewer`);
  if (c.hosts.length > MAX_HOSTS) p('hosts', `A council may have up to ${MAX_HOSTS} web addresses`);
  for (const h of c.hosts) if (!HOST.test(h)) p('hosts', `"${h}" is not a host name, such as reports.example.gov.uk`);
  if (new Set(c.hosts).size !== c.hosts.length) p('hosts', 'Each web address may be given once');
  for (const f of SETTING_FIELDS) {
    const v = c.settings[f.key];
    if (v === undefined) continue;
    if (v.length > (f.kind === 'long' ? MAX.long : MAX.short)) p(f.key, `${f.label} must be ${f.kind === 'long' ? MAX.long : MAX.short} characters or fewer`);
    else if (f.kind === 'email' && !EMAIL.test(v)) p(f.key, `${f.label} must be an email address, like streets@example.gov.uk`);
    else if (f.kind === 'url' && !webAddress(v, f.key === 'logoUrl')) p(f.key, f.key === 'logoUrl' ? 'The logo address must start with https://' : `${f.label} must start with https:// or http://`);
    else if (f.kind === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(v)) p(f.key, `${f.label} must be a date like 2026-03-31`);
    else if (f.kind === 'choice' && !f.choices!.includes(v)) p(f.key, `${f.label} must be one of ${f.choices!.join(', ')}`);
    else if (f.kind === 'colour') {
      if (!isHexColour(v)) p(f.key, 'The header colour must be 6 hexadecimal digits after #, like #0b0c0c');
      else if (contrastWithWhite(v) < MIN_HEADER_CONTRAST) p(f.key, `White text on ${v} has a contrast of ${contrastWithWhite(v).toFixed(2)} to 1; choose a darker colour (at least ${MIN_HEADER_CONTRAST} to 1)`);
    }
  }
  if (c.settings.a11yStatus && c.settings.a11yStatus !== 'full' && !c.settings.a11yNonCompliance) p('a11yNonCompliance', 'Say which content is not accessible and why, unless the service is fully compliant');
  return problems;
}

function webAddress(v: string, httpsOnly: boolean): boolean {
  if (!URL.canParse(v)) return false;
  const u = new URL(v);
  return httpsOnly ? u.protocol === 'https:' : u.protocol === 'https:' || u.protocol === 'http:';
}

/** The council's name in a language: Welsh when it has one, else English. */
export const councilName = (c: Pick<Council, 'name' | 'welshName'>, lang: string) => (lang === 'cy' && c.welshName) || c.name;

/**
 * The council a role is held in when staff are added before any council
 * exists (`staff add … --role admin` on an empty install): the first council
 * created takes these roles over.
 */
export const FIRST_COUNCIL = '';

import type { Status } from '../statuses.ts';
/** Open311 attribute datatypes (GeoReport v2, GET Service Definition). */
export const DATATYPES = ['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'] as const;
export type Datatype = (typeof DATATYPES)[number];

export const SERVICE_TYPES = ['realtime', 'batch', 'blackbox'] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

/** Who may see and use a service: FixMyStreet reads `private` and `staff` from keywords. */
export const VISIBILITIES = ['public', 'private', 'staff'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

export interface AttributeValue {
  key: string;
  name: string;
}

export interface ServiceAttribute {
  code: string;
  datatype: Datatype;
  required: boolean;
  /** false: the attribute only informs the person, it takes no input. */
  variable: boolean;
  order: number;
  description: string;
  datatypeDescription?: string;
  values?: AttributeValue[];
  /** mySociety extension: filled by the client (`hidden_field`) or the server (`server_set`). */
  automated?: 'hidden_field' | 'server_set';
  /**
   * Resident-facing hints from the service pattern, for web forms; absent on
   * services not bound to a pattern. `answerType` is a GOV.UK Design System
   * answer type: text, long_text, number, email, phone, date, datetime, time,
   * address, postcode, file, radios, checkboxes or select.
   */
  answerType?: string;
  /** Hint text shown under the question. */
  hint?: string;
  /** Messages written for residents: `required` when missing, `invalid` when not in the right form. */
  errorMessages?: { required?: string; invalid?: string };
  /** Welsh text of the question (the pattern's `cy`); what is absent stays English. */
  welsh?: AttributeWelsh;
}

/** A question's Welsh: the question, hint, help text, option names by key, error messages. */
export interface AttributeWelsh {
  description?: string;
  hint?: string;
  datatypeDescription?: string;
  values?: Record<string, string>;
  errorMessages?: { required?: string; invalid?: string };
}

/** A service's Welsh (the pattern's `cy`): shown on Welsh pages and searched there; what is absent stays English. */
export interface ServiceWelsh {
  name?: string;
  description?: string;
  groups?: string[];
  keywords?: string[];
  serviceNotice?: string;
  statusLabels?: Partial<Record<Status, string>>;
  /** What each status means, in Welsh (the pattern's `cy.status_descriptions`): residents' Welsh messages. */
  statusDescriptions?: Partial<Record<Status, string>>;
}

export interface Service {
  jurisdictionId: string;
  code: string;
  name: string;
  description: string;
  groups: string[];
  keywords: string[];
  type: ServiceType;
  lgslCode?: number;
  attributes: ServiceAttribute[];
  active: boolean;
  visibility: Visibility;
  agencyResponsible?: string;
  serviceNotice?: string;
  /** The service pattern version this service follows (src/patterns/); its process rules apply to new requests. */
  pattern?: PatternRef;
  /** The council's own names for statuses (from the pattern), e.g. { action_scheduled: 'Repair booked' }. */
  statusLabels?: Partial<Record<Status, string>>;
  welsh?: ServiceWelsh;
}

/** One version of a service pattern. */
export interface PatternRef {
  id: string;
  version: string;
}

export interface Jurisdiction {
  id: string;
  name: string;
}

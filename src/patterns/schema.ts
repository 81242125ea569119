import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { ProcessDocument } from '../core/process/process.ts';
import type { PatternDocument } from '../core/patterns/stored.ts';
import { STATUSES } from '../core/statuses.ts';
import { PERIOD } from '../core/records/retention.ts';
import { DATATYPES, SERVICE_TYPES } from '../core/services/service.ts';

/**
 * The service pattern format, written once with TypeBox: the same definition
 * is the TypeScript type, the validator's schema and the JSON Schema served at
 * GET /schemas/service-pattern.json. Keys keep Open311's snake_case spelling,
 * because the document is a wire format that councils write by hand.
 * Rules a JSON Schema cannot say (transitions between listed statuses, unique
 * codes, LGSL codes that exist) live in `validate.ts`.
 */

const literals = <T extends readonly string[]>(values: T, description: string) =>
  Type.Union(values.map((v) => Type.Literal(v)) as never, { description }) as unknown as TSchema & { static: T[number] };

export const SLUG = '^[a-z0-9]+(?:[-_][a-z0-9]+)*$';
export const SEMVER = '^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-[0-9A-Za-z.-]+)?$';
/** "24 hours", "5 days", "10 working days" (Monday to Friday). */
export const DURATION = '^[1-9]\\d{0,3} (hour|hours|day|days|working day|working days)$';

/** GOV.UK Design System answer types a web form can draw for a question. */
export const ANSWER_TYPES = [
  'text', 'long_text', 'number', 'email', 'phone', 'date', 'datetime', 'time',
  'address', 'postcode', 'file', 'radios', 'checkboxes', 'select',
] as const;
export type AnswerType = (typeof ANSWER_TYPES)[number];

const Text = (description: string, max = 2000) => Type.String({ minLength: 1, maxLength: max, description });
const Duration = (description: string) => Type.String({ pattern: DURATION, description });
const Status = literals(STATUSES, 'A status from the UK Open311 extended set');

export const QuestionSchema = Type.Object(
  {
    code: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: 'Open311 attribute code: letters, digits, - and _' }),
    datatype: literals(DATATYPES, 'Open311 attribute datatype'),
    description: Text('The question as shown to the resident (Open311 attribute description)', 500),
    required: Type.Optional(Type.Boolean({ description: 'Must the resident answer? Default false' })),
    order: Type.Optional(Type.Integer({ minimum: 1, description: 'Position in the form; default is the position in the list' })),
    variable: Type.Optional(Type.Boolean({ description: 'false: the attribute only informs, it takes no answer. Default true' })),
    datatype_description: Type.Optional(Text('Help text about the expected answer (Open311 datatype_description)', 500)),
    values: Type.Optional(
      Type.Array(
        Type.Object({ key: Type.String({ minLength: 1, maxLength: 100 }), name: Text('What the resident sees', 200) }, { additionalProperties: false }),
        { description: 'Allowed answers of a singlevaluelist or multivaluelist' },
      ),
    ),
    automated: Type.Optional(literals(['hidden_field', 'server_set'] as const, 'Filled by the client (hidden_field) or the server (server_set)')),
    answer_type: Type.Optional(literals(ANSWER_TYPES, 'GOV.UK Design System answer type for web forms')),
    hint: Type.Optional(Text('Hint text shown under the question on the web', 500)),
    error_messages: Type.Optional(
      Type.Object(
        {
          required: Type.Optional(Text('Shown when a required answer is missing', 300)),
          invalid: Type.Optional(Text('Shown when the answer is not in the right form', 300)),
        },
        { additionalProperties: false, description: 'Error messages written for residents (GOV.UK style)' },
      ),
    ),
  },
  { additionalProperties: false },
);

/** The Welsh of one question: whatever is absent is shown in English (marked lang="en"). */
export const WelshQuestionSchema = Type.Object(
  {
    description: Type.Optional(Text('The question in Welsh', 500)),
    hint: Type.Optional(Text('The hint in Welsh', 500)),
    datatype_description: Type.Optional(Text('The help text in Welsh', 500)),
    values: Type.Optional(Type.Record(Type.String({ minLength: 1, maxLength: 100 }), Text('What the resident sees, in Welsh', 200), { description: 'Welsh names of the allowed answers, by key' })),
    error_messages: Type.Optional(
      Type.Object({ required: Type.Optional(Text('Shown when a required answer is missing', 300)), invalid: Type.Optional(Text('Shown when the answer is not in the right form', 300)) }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);

/** The Welsh of a pattern (Welsh Language Standards): names, questions, notices, status labels and descriptions. */
export const WelshSchema = Type.Object(
  {
    name: Type.Optional(Text('Service name in Welsh', 120)),
    description: Type.Optional(Text('What the service is for, in Welsh', 2000)),
    groups: Type.Optional(Type.Array(Text('Group in Welsh', 100), { description: 'The groups in Welsh, in the same order as groups' })),
    keywords: Type.Optional(Type.Array(Text('Keyword in Welsh', 100), { description: 'Welsh words residents search with' })),
    service_notice: Type.Optional(Text('The service notice in Welsh', 500)),
    status_labels: Type.Optional(Type.Record(Type.String({ minLength: 1 }), Text("The council's name for the status in Welsh", 100), { description: 'Welsh labels of the statuses in process.statuses' })),
    status_descriptions: Type.Optional(Type.Record(Type.String({ minLength: 1 }), Text('What the status means for the resident, in Welsh', 500), { description: 'Welsh descriptions of the statuses in process.statuses (tracking page and messages)' })),
    questions: Type.Optional(Type.Record(Type.String({ minLength: 1 }), WelshQuestionSchema, { description: 'Welsh of the questions, by question code' })),
  },
  { additionalProperties: false, description: 'Welsh text for the resident web and messages; anything absent is shown in English' },
);

export const ProcessSchema = Type.Object(
  {
    statuses: Type.Array(
      Type.Object(
        {
          status: Status,
          label: Text("The council's own name for this status, shown to residents and staff", 100),
          description: Type.Optional(Text('What this status means for the resident', 500)),
          target: Type.Optional(Duration('Service level: from entering this status, the request should be resolved within this time')),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, description: 'The statuses this service uses; must include open, where every request starts' },
    ),
    transitions: Type.Array(
      Type.Object(
        {
          from: Type.Union([Status, Type.Array(Status, { minItems: 1 })]),
          to: Type.Union([Status, Type.Array(Status, { minItems: 1 })]),
          notify: Type.Optional(Type.Boolean({ description: 'Tell the resident when a request moves this way. Default false' })),
        },
        { additionalProperties: false },
      ),
      { description: 'Allowed status changes; every other change is refused (staff) or recorded and flagged (back-ends, clients)' },
    ),
    closing: Type.Array(Status, { minItems: 1, description: 'Statuses at which a request is finished' }),
    target: Type.Optional(Duration('Service level for the whole request, from report to a closing status')),
  },
  { additionalProperties: false },
);

export const ProvenanceSchema = Type.Object(
  {
    publisher: Text('Who published this version', 200),
    licence: Text('Licence of the document, e.g. OGL-UK-3.0', 100),
    url: Type.Optional(Type.String({ pattern: '^https?://\\S+$', description: 'Where the publisher keeps this pattern' })),
    derived_from: Type.Optional(
      Type.Object(
        {
          id: Type.String({ pattern: SLUG }),
          version: Type.String({ pattern: SEMVER }),
          publisher: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: "Another council's publisher id, when the origin came from its feed" })),
          url: Type.Optional(Type.String({ pattern: '^https?://\\S+$', description: "The origin version's immutable URL in that feed" })),
        },
        { additionalProperties: false, description: 'The pattern this one was adapted from' },
      ),
    ),
    adopted_by: Type.Optional(
      Type.Object(
        { jurisdiction_id: Type.String({ minLength: 1 }), adopted_at: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$', description: 'UTC date and time' }) },
        { additionalProperties: false, description: 'Set by Pipework when a council imports a pattern published elsewhere' },
      ),
    ),
  },
  { additionalProperties: false },
);

export const ServicePatternSchema = Type.Object(
  {
    id: Type.String({ pattern: SLUG, maxLength: 64, description: 'Slug naming the pattern, e.g. pothole; also the default service_code' }),
    version: Type.String({ pattern: SEMVER, description: 'Semantic version, e.g. 1.2.0' }),
    lifecycle: Type.Optional(literals(['draft', 'published'] as const, 'A draft may change; a published version never does. Default draft')),
    name: Text('Service name', 120),
    description: Text('What the service is for', 2000),
    lgsl_codes: Type.Array(Type.Integer({ minimum: 1 }), { description: 'Local Government Service List codes' }),
    groups: Type.Array(Text('Group', 100), { minItems: 1 }),
    keywords: Type.Optional(Type.Array(Text('Keyword', 100))),
    type: Type.Optional(literals(SERVICE_TYPES, 'Open311 service type; default realtime')),
    service_notice: Type.Optional(Text('Open311 service_notice shown with each request', 500)),
    questions: Type.Array(QuestionSchema),
    cy: Type.Optional(WelshSchema),
    process: ProcessSchema,
    retention: Type.Optional(
      Type.Object(
        {
          contact_after_closure: Type.Optional(Type.String({ pattern: PERIOD, description: 'Erase the contact details this long after the request closed, e.g. 12 months' })),
          anonymise_after_closure: Type.Optional(Type.String({ pattern: PERIOD, description: 'Anonymise the request (free text, photos, exact place) this long after it closed, e.g. 6 years' })),
        },
        { additionalProperties: false, description: 'How long what residents give is kept; absent: the default for the LGSL code, else 12 months and 6 years' },
      ),
    ),
    provenance: ProvenanceSchema,
  },
  {
    additionalProperties: false,
    $id: 'https://pipework.dev/schemas/service-pattern.json',
    title: 'Pipework service pattern',
    description: 'What a council service asks the resident, how a request moves from reported to resolved, how long each step should take and who is told.',
  },
);

export const PatternBundleSchema = Type.Object(
  {
    bundle: Type.Object(
      { name: Text('Name of the set', 200), publisher: Type.Optional(Text('Publisher', 200)), description: Type.Optional(Text('Description', 2000)) },
      { additionalProperties: false },
    ),
    patterns: Type.Array(Type.Unsafe<ServicePattern>({ $ref: 'https://pipework.dev/schemas/service-pattern.json' }), { minItems: 1 }),
  },
  { additionalProperties: false, $id: 'https://pipework.dev/schemas/service-pattern-bundle.json', title: 'Pipework service pattern bundle' },
);

export type ServicePattern = Static<typeof ServicePatternSchema>;
export type PatternQuestion = Static<typeof QuestionSchema>;
export type WelshQuestion = Static<typeof WelshQuestionSchema>;
export type PatternProcess = Static<typeof ProcessSchema>;
export type PatternBundle = { bundle: { name: string; publisher?: string; description?: string }; patterns: ServicePattern[] };

// The core reads documents through its own narrower types; these fail to compile if the format drifts from them.
const processFitsCore = (p: PatternProcess): ProcessDocument => p;
const patternFitsCore = (p: ServicePattern): PatternDocument => p;
void processFitsCore;
void patternFitsCore;

/** A stored document as the whole format: every document is validated against ServicePatternSchema before it is saved. */
export const asServicePattern = (doc: PatternDocument): ServicePattern => doc as ServicePattern;

import { Type, type Static } from '@sinclair/typebox';
import { STATUSES } from '../../core/statuses.ts';
import { MAX_DESCRIPTION, MAX_PAGE, MAX_PAGE_SIZE } from '../../core/requests/validate.ts';

// One definition per input: Fastify checks its shape, @fastify/swagger publishes it in /openapi.json.
// Shape only: limits and normalisation are the core's (src/core/requests/validate.ts), so a
// description is counted once, after CRLF becomes LF; the descriptions here name those limits.

const text = (description: string, extra: object = {}) => Type.Optional(Type.String({ description, ...extra }));
const w3c = (description: string) =>
  Type.Optional(Type.String({ description: `${description} W3C datetime with time zone, e.g. 2026-01-31T09:00:00Z.`, format: 'date-time' }));

export const Jurisdiction = Type.Object(
  { jurisdiction_id: text('Only needed when this server serves more than one council.') },
  { additionalProperties: true },
);

export const RequestsQuery = Type.Object(
  {
    jurisdiction_id: text('Only needed when this server serves more than one council.'),
    service_request_id: text('Comma-separated request ids; overrides every other filter.'),
    service_code: text('Comma-separated service codes.'),
    start_date: w3c('Earliest requested_datetime.'),
    end_date: w3c('Latest requested_datetime; the window may not span more than 90 days (default: the last 90 days).'),
    status: text(`Comma-separated statuses: ${STATUSES.join(', ')}.`),
    page: Type.Optional(Type.Integer({ description: `Page number, from 1 to ${MAX_PAGE}; ignored with service_request_id.` })),
    page_size: Type.Optional(Type.Integer({ description: `Requests per page, at most ${MAX_PAGE_SIZE} (the default); ignored with service_request_id.` })),
  },
  { additionalProperties: true },
);
export type RequestsQuery = Static<typeof RequestsQuery>;

export const UpdatesQuery = Type.Object(
  {
    jurisdiction_id: text('Only needed when this server serves more than one council.'),
    api_key: text('Accepted and ignored: FixMyStreet sends it, updates are public.'),
    start_date: w3c('Earliest updated_datetime.'),
    end_date: w3c('Latest updated_datetime; at most 90 days after start_date (default: the last 90 days).'),
    page: Type.Optional(Type.Integer({ description: `Page number, from 1 to ${MAX_PAGE}.` })),
    page_size: Type.Optional(Type.Integer({ description: `Updates per page, at most ${MAX_PAGE_SIZE} (the default).` })),
  },
  { additionalProperties: true },
);
export type UpdatesQuery = Static<typeof UpdatesQuery>;

export const NewRequestBody = Type.Object(
  {
    api_key: text('Required. Key issued by the council (`npx pipework keys create`); a missing or wrong key gets 403.'),
    jurisdiction_id: text('Only needed when this server serves more than one council.'),
    service_code: Type.String({ minLength: 1, description: 'From GET services.' }),
    lat: Type.Optional(Type.Number({ description: 'WGS84 latitude, -90 to 90; send with long.' })),
    long: Type.Optional(Type.Number({ description: 'WGS84 longitude, -180 to 180; send with lat.' })),
    address_string: text('Where the problem is, most specific first.'),
    address_id: text("An id from the council's address register."),
    zipcode: text('Postcode.'),
    email: text('Email address of the person reporting (never published).'),
    device_id: text('Device id.'),
    account_id: text('Account id of the person reporting.'),
    first_name: text('Given name (never published).'),
    last_name: text('Family name (never published).'),
    phone: text('Phone number (never published).'),
    description: text(`What is wrong, up to ${MAX_DESCRIPTION} characters (counted after CRLF becomes LF and the ends are trimmed).`),
    media_url: Type.Optional(
      Type.Union([Type.String(), Type.Array(Type.String())], { description: 'Photo URL; may repeat. Files may also be uploaded as multipart.' }),
    ),
  },
  {
    additionalProperties: true,
    description: 'Answers go in `attribute[CODE]=value`; several values as repeated keys or `attribute[CODE][]`.',
  },
);

export const NewUpdateBody = Type.Object(
  {
    api_key: text('Required; a missing or wrong key gets 403.'),
    jurisdiction_id: text('Only needed when this server serves more than one council.'),
    service_request_id: Type.String({ minLength: 1 }),
    update_id: Type.String({ minLength: 1, description: "The sender's own id for this update; a re-send with the same id is not stored twice." }),
    status: Type.String({ description: `Upper case: ${[...STATUSES, 'unchanged'].map((s) => s.toUpperCase()).join(', ')}.` }),
    updated_datetime: Type.String({ format: 'date-time' }),
    description: Type.String({ description: `Up to ${MAX_DESCRIPTION} characters, counted as for requests.` }),
    email: text('Never published.'),
    phone: text('Never published.'),
    first_name: text('Never published.'),
    last_name: text('Never published.'),
    media_url: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
  },
  { additionalProperties: true },
);

// Response documents, as the JSON form; the XML form is the same tree under the root element the
// spec names (`<services><service>…`). Handlers send rendered text, so these describe and never re-serialise.

const nullable = (description?: string) => Type.Union([Type.String(), Type.Null()], description ? { description } : {});
const Id = Type.String({ description: 'Never `0`: FixMyStreet reads 0 as a failed send.' });

export const ErrorList = Type.Array(Type.Object({ code: Type.Integer({ description: 'The HTTP status.' }), description: Type.String() }), {
  description: 'GeoReport v2 errors: one per problem found.',
});

export const Discovery = Type.Object({
  changeset: Type.String(),
  contact: Type.String(),
  key_service: Type.String(),
  endpoints: Type.Array(
    Type.Object({
      specification: Type.String(),
      url: Type.String({ description: 'Ends with `/`, ready to have paths appended.' }),
      changeset: Type.String(),
      type: Type.String(),
      formats: Type.Array(Type.String()),
    }),
  ),
});

export const ServiceList = Type.Array(
  Type.Object({
    service_code: Type.String(),
    service_name: Type.String(),
    description: Type.String(),
    metadata: Type.Boolean(),
    type: Type.Union([Type.Literal('realtime'), Type.Literal('batch'), Type.Literal('blackbox')]),
    keywords: Type.String({ description: 'Comma separated without spaces; may include private, staff, inactive.' }),
    group: nullable(),
    groups: Type.Array(Type.String()),
  }),
);

export const ServiceDefinition = Type.Object({
  service_code: Type.String(),
  attributes: Type.Array(
    Type.Object({
      variable: Type.Boolean(),
      code: Type.String(),
      datatype: Type.String(),
      required: Type.Boolean(),
      datatype_description: nullable(),
      order: Type.Integer(),
      description: Type.String(),
      automated: Type.Optional(Type.Union([Type.Literal('hidden_field'), Type.Literal('server_set')])),
      values: Type.Optional(Type.Array(Type.Object({ key: Type.String(), name: Type.String() }))),
    }),
  ),
});

export const Created = Type.Array(
  Type.Object({
    service_request_id: Type.Optional(Id),
    token: Type.Optional(Type.String({ description: 'Batch services: resolve it with GET tokens/{token}.' })),
    service_notice: nullable(),
    account_id: nullable(),
  }),
);

export const RequestList = Type.Array(
  Type.Object({
    service_request_id: Id,
    status: Type.String({ description: `Lower case; a reopened case is told as open: ${STATUSES.filter((s) => s !== 'reopen').join(', ')}.` }),
    status_notes: nullable(),
    service_name: Type.String(),
    service_code: Type.String(),
    description: nullable(),
    agency_responsible: nullable(),
    service_notice: nullable(),
    requested_datetime: nullable('W3C datetime, UTC, whole seconds.'),
    updated_datetime: nullable(),
    expected_datetime: nullable(),
    address: nullable(),
    address_id: nullable(),
    zipcode: nullable(),
    lat: Type.Union([Type.Number(), Type.Null()]),
    long: Type.Union([Type.Number(), Type.Null()]),
    media_url: nullable(),
  }),
);

export const TokenList = Type.Array(Type.Object({ service_request_id: Id, token: Type.String() }));

export const UpdateList = Type.Array(
  Type.Object({
    update_id: Type.String(),
    service_request_id: Type.String(),
    status: Type.String(),
    updated_datetime: Type.String(),
    description: Type.String(),
    media_url: nullable(),
    external_status_code: Type.Optional(Type.String()),
  }),
);

export const UpdateCreated = Type.Array(Type.Object({ update_id: Type.String() }));

const XML_TYPE = 'text/xml';
const JSON_TYPE = 'application/json';
const asXml = (root: string) => ({ type: 'string', description: `The same document in XML, rooted at <${root}>.` });

/**
 * The `response` part of a route schema for /openapi.json: the document on 200, the spec's error list on
 * 4xx, for the format(s) the route serves. `formats` is both for routes whose path carries either extension.
 */
export function responses(schema: object, root: string, formats: 'xml' | 'json' | 'both') {
  const content = (doc: object, xmlRoot: string) => ({
    ...(formats !== 'json' ? { [XML_TYPE]: { schema: asXml(xmlRoot) } } : {}),
    ...(formats !== 'xml' ? { [JSON_TYPE]: { schema: doc } } : {}),
  });
  return {
    200: { description: 'The document.', content: content(schema, root) },
    '4XX': { description: 'GeoReport v2 errors.', content: content(ErrorList, 'errors') },
  };
}

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

import { Type, type Static } from '@sinclair/typebox';
import { STATUSES } from '../../core/statuses.ts';

// One definition per input: Fastify validates with it, @fastify/swagger publishes it in /openapi.json.

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
    page: Type.Optional(Type.Integer({ minimum: 1, description: 'Page number, from 1.' })),
    page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Requests per page, at most 1000 (the default).' })),
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
    page: Type.Optional(Type.Integer({ minimum: 1 })),
    page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  { additionalProperties: true },
);
export type UpdatesQuery = Static<typeof UpdatesQuery>;

export const NewRequestBody = Type.Object(
  {
    api_key: text('Required. Key issued by the council (`npx pipework keys create`); a missing or wrong key gets 403.'),
    jurisdiction_id: text('Only needed when this server serves more than one council.'),
    service_code: Type.String({ minLength: 1, description: 'From GET services.' }),
    lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90, description: 'WGS84 latitude; send with long.' })),
    long: Type.Optional(Type.Number({ minimum: -180, maximum: 180, description: 'WGS84 longitude; send with lat.' })),
    address_string: text('Where the problem is, most specific first.'),
    address_id: text("An id from the council's address register."),
    zipcode: text('Postcode.'),
    email: text('Email address of the person reporting (never published).'),
    device_id: text('Device id.'),
    account_id: text('Account id of the person reporting.'),
    first_name: text('Given name (never published).'),
    last_name: text('Family name (never published).'),
    phone: text('Phone number (never published).'),
    description: text('What is wrong, up to 4000 characters.', { maxLength: 4000 }),
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
    description: Type.String({ maxLength: 4000 }),
    email: text('Never published.'),
    phone: text('Never published.'),
    first_name: text('Never published.'),
    last_name: text('Never published.'),
    media_url: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
  },
  { additionalProperties: true },
);

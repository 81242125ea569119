import { Type, type Static } from '@sinclair/typebox';
import { HttpUrl, StatusMap } from '../config.ts';
import type { FieldProblem } from '../../core/errors.ts';
import { expressionProblem, templateProblem, type Expr } from './templates.ts';
import { PushAuth } from './push.ts';

// Field names avoid "key", "token", "pass" and "secret" except where the value
// IS a secret: those names are sealed at rest and masked in listings (decision 0045).

const Expression = Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String(), { minItems: 1 })], {
  description: 'A JSONata expression; an array of strings is one expression, its lines joined',
});
const Text = Type.String({ description: 'Text with {JSONata} placeholders, e.g. "item/{reference}"' });
const Format = Type.Union([Type.Literal('json'), Type.Literal('xml'), Type.Literal('form')]);

const callFields = {
  method: Type.Union(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => Type.Literal(m))),
  /** Relative to `baseUrl` ("" is baseUrl itself). */
  path: Text,
  query: Type.Optional(Type.Record(Type.String({ minLength: 1 }), Text)),
  headers: Type.Optional(Type.Record(Type.String({ minLength: 1 }), Text)),
  /** The body: what the expression gives, encoded in `format` (a string is sent as it is). */
  body: Type.Optional(Expression),
  format: Type.Optional(Format),
};
const Call = Type.Object(callFields, { additionalProperties: false });

/** An operation: optional calls made first (their answers are `steps[0]`, `steps[1]`…), then the main call. */
const operation = { ...callFields, before: Type.Optional(Type.Array(Call, { maxItems: 5 })) };

export const RestConfig = Type.Object(
  {
    baseUrl: { ...HttpUrl, description: 'Where the paths start, e.g. https://api.uk.alloyapp.io/api/' },
    format: Type.Optional(Format),
    auth: Type.Optional(
      Type.Union([
        Type.Object({ type: Type.Literal('none') }, { additionalProperties: false }),
        Type.Object({ type: Type.Literal('header'), header: Type.String({ minLength: 1, default: 'Authorization' }), prefix: Type.String({ default: '' }), apiKey: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
        Type.Object({ type: Type.Literal('basic'), username: Type.String({ minLength: 1 }), password: Type.String() }, { additionalProperties: false }),
        Type.Object(
          {
            type: Type.Literal('oauth2'),
            /** The token endpoint (client credentials grant, RFC 6749 §4.4). */
            url: HttpUrl,
            clientId: Type.String({ minLength: 1 }),
            clientSecret: Type.String({ minLength: 1 }),
            scope: Type.Optional(Type.String()),
            /** How the client authenticates to the token endpoint: HTTP Basic (RFC 6749 §2.3.1, the default) or form fields. */
            credentials: Type.Union([Type.Literal('basic'), Type.Literal('body')], { default: 'basic' }),
            header: Type.String({ minLength: 1, default: 'Authorization' }),
            prefix: Type.String({ default: 'Bearer ' }),
            /** JSONata over the token answer giving the value to send; default `access_token`. */
            read: Type.Optional(Expression),
          },
          { additionalProperties: false },
        ),
      ]),
    ),
    /** Constants the templates read as `settings` (design codes, database id…); a name containing secret/pass/key/token is sealed. */
    settings: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000 })),
    /** 4xx statuses worth retrying besides 408 and 429 (e.g. 409 for an edit that lost a race). */
    retryStatuses: Type.Optional(Type.Array(Type.Integer({ minimum: 400, maximum: 499 }), { maxItems: 20 })),
    create: Type.Object(
      {
        ...operation,
        /** JSONata giving the back-end's reference from `answer`. */
        reference: Expression,
        /** JSONata over a 2xx answer: a non-empty text means the back-end refused the data (e.g. a SOAP fault). */
        failure: Type.Optional(Expression),
      },
      { additionalProperties: false },
    ),
    /** Looks for a case an earlier attempt made, before sending again: `reference` gives it, or nothing. */
    find: Type.Optional(Type.Object({ ...operation, reference: Expression }, { additionalProperties: false })),
    /** A resident's comment on a case the back-end holds. Without it, comments stay in Pipework. */
    comment: Type.Optional(Type.Object({ ...operation, failure: Type.Optional(Expression) }, { additionalProperties: false })),
    /** Status by pull: `each` calls once per open reference; `feed` once per poll, with `cursor`/`since`. */
    pull: Type.Optional(
      Type.Object(
        {
          ...operation,
          mode: Type.Union([Type.Literal('each'), Type.Literal('feed')]),
          /** JSONata giving a report or a list: {reference?, code, description?, update_id?, at?}. */
          reports: Expression,
          /** Feed mode: JSONata giving the next cursor (default: the poll time less five minutes). */
          cursor: Type.Optional(Expression),
          everySeconds: Type.Integer({ minimum: 1, maximum: 86_400, default: 60 }),
        },
        { additionalProperties: false },
      ),
    ),
    /** Status by push to POST /backends/{name}/updates: checked by `auth`, decoded as `format`, mapped by `reports` over {body, headers, settings, now}. */
    push: Type.Optional(
      Type.Object(
        {
          auth: PushAuth,
          format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('xml')])),
          /** JSONata giving a report or a list: {reference? or service_request_id?, code, description?, update_id?, at?}. */
          reports: Expression,
        },
        { additionalProperties: false },
      ),
    ),
    /** The health probe (default: GET baseUrl); healthy when it answers below 400. */
    health: Type.Optional(Call),
    statusMap: StatusMap,
  },
  { additionalProperties: false },
);
export type RestConfig = Static<typeof RestConfig>;
export type RestCall = Static<typeof Call>;
export type RestOperation = RestCall & { before?: RestCall[] };

/**
 * Checks every JSONata expression and text template in a configuration that
 * already fits the schema, so a typo is refused when it is saved, naming the
 * field (`config.create.body is not a JSONata expression: …`), not found by
 * the first resident's report.
 */
export function checkRestTemplates(config: RestConfig): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const expr = (field: string, e: Expr | undefined) => {
    const p = e === undefined ? undefined : expressionProblem(e);
    if (p) problems.push({ field: `config.${field}`, message: `config.${field} ${p}` });
  };
  const text = (field: string, t: string | undefined) => {
    const p = t === undefined ? undefined : templateProblem(t);
    if (p) problems.push({ field: `config.${field}`, message: `config.${field} ${p}` });
  };
  const call = (field: string, c: RestCall) => {
    text(`${field}.path`, c.path);
    for (const [k, v] of Object.entries(c.query ?? {})) text(`${field}.query.${k}`, v);
    for (const [k, v] of Object.entries(c.headers ?? {})) text(`${field}.headers.${k}`, v);
    expr(`${field}.body`, c.body);
  };
  const op = (field: string, o: RestOperation | undefined) => {
    if (!o) return;
    (o.before ?? []).forEach((c, i) => call(`${field}.before.${i}`, c));
    call(field, o);
  };
  op('create', config.create);
  expr('create.reference', config.create.reference);
  expr('create.failure', config.create.failure);
  op('find', config.find);
  expr('find.reference', config.find?.reference);
  op('comment', config.comment);
  expr('comment.failure', config.comment?.failure);
  op('pull', config.pull);
  expr('pull.reports', config.pull?.reports);
  expr('pull.cursor', config.pull?.cursor);
  expr('push.reports', config.push?.reports);
  if (config.push && config.pull) problems.push({ field: 'config.push', message: 'config.push and config.pull are both set: status comes one way, choose one' });
  if (config.health) call('health', config.health);
  if (config.auth?.type === 'oauth2') expr('auth.read', config.auth.read);
  if (config.pull?.mode === 'feed' && /\{\s*reference\s*\}/.test(config.pull.path)) {
    problems.push({ field: 'config.pull.path', message: 'config.pull.path uses {reference}, which only "each" mode gives' });
  }
  return problems;
}

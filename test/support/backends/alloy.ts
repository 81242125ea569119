import { randomBytes } from 'node:crypto';
import { standInServer, type StandInRequest } from './stand-in-server.ts';

/**
 * A stand-in for the Alloy API (Causeway/FAST Alloy), written from its public
 * developer documentation (developer.alloyapp.io: authentication, creating,
 * editing and searching items, signatures) and from mySociety's
 * open311-adapter, which talks to councils' Alloy in production
 * (perllib/Integrations/AlloyV2.pm). What it implements, under /api/:
 *
 * - `Authorization: Bearer <API key>` on every call, else 401;
 * - `GET session/me`;
 * - `POST item` {designCode, collection, attributes:[{attributeCode, value}], parents?}
 *   → {item:{itemId, designCode, collection, attributes, signature}}; the design's
 *   required attributes must be there (else 400);
 * - `GET item/{itemId}` → {item}; 404 for an unknown id;
 * - `PUT item/{itemId}` {collection?, attributes, signature}: the signature must be
 *   the item's current one (else 409 ItemSignatureMismatch); a new signature comes back;
 * - `POST aqs/query?page&pageSize` {aqs:{type:'Query', properties:{dodiCode}, children:[Equals(Attribute, String)]}}
 *   → {results:[item…], page, pageSize, totalResults}.
 *
 * Errors are {errorCode, errorCodeString, debugErrorMessage}, the fields
 * open311-adapter reads. Like Alloy, it knows nothing of Idempotency-Key.
 */
export async function alloyStandIn(options: { apiKey: string; designCode: string; required: string[] }) {
  const items = new Map<string, { itemId: string; designCode: string; collection: string; attributes: { attributeCode: string; value: unknown }[]; signature: string }>();
  const counts = { creates: 0, queries: 0, signatureMismatches: 0 };
  let raceNextEdit = false;
  const id = () => randomBytes(12).toString('hex');
  const error = (status: number, codeString: string, message: string) => ({ status, body: { errorCode: status * 10, errorCodeString: codeString, debugErrorMessage: message } });

  const server = await standInServer((r: StandInRequest) => {
    if (r.headers.authorization !== `Bearer ${options.apiKey}`) return error(401, 'Unauthorised', 'a valid API key is required (Authorization: Bearer <token>)');
    const path = r.path.replace(/^\/api\//, '');
    if (r.method === 'GET' && path === 'session/me') return { status: 200, body: { session: { user: 'pipework' } } };
    if (r.method === 'POST' && path === 'item') {
      const doc = JSON.parse(r.text);
      if (doc.designCode !== options.designCode) return error(400, 'DesignNotFound', `no design ${doc.designCode}`);
      if (!doc.collection) return error(400, 'ValidationFailed', 'collection is required');
      const given = new Set((doc.attributes ?? []).map((a: { attributeCode: string }) => a.attributeCode));
      const missing = options.required.filter((c) => !given.has(c));
      if (missing.length) return error(400, 'ValidationFailed', `required attributes missing: ${missing.join(', ')}`);
      counts.creates++;
      const item = { itemId: id(), designCode: doc.designCode, collection: doc.collection, attributes: doc.attributes, signature: id() };
      items.set(item.itemId, item);
      return { status: 200, body: { item } };
    }
    const one = /^item\/([0-9a-f]{24})$/.exec(path);
    if (one) {
      const item = items.get(one[1]);
      if (!item) return error(404, 'ItemNotFound', `no item ${one[1]}`);
      if (r.method === 'GET') return { status: 200, body: { item } };
      if (r.method === 'PUT') {
        const doc = JSON.parse(r.text);
        if (raceNextEdit) {
          raceNextEdit = false;
          item.signature = id();
        }
        if (doc.signature !== item.signature) {
          counts.signatureMismatches++;
          return error(409, 'ItemSignatureMismatch', 'the item has changed since its signature was read');
        }
        for (const a of doc.attributes ?? []) {
          const old = item.attributes.find((x) => x.attributeCode === a.attributeCode);
          if (old) old.value = a.value;
          else item.attributes.push(a);
        }
        item.signature = id();
        return { status: 200, body: { item } };
      }
    }
    if (r.method === 'POST' && path === 'aqs/query') {
      counts.queries++;
      const aqs = JSON.parse(r.text).aqs;
      const eq = aqs?.children?.[0];
      const attr = eq?.children?.[0]?.properties?.attributeCode;
      const values: string[] = eq?.children?.[1]?.properties?.value ?? eq?.children?.[1]?.properties?.values ?? [];
      if (aqs?.type !== 'Query' || eq?.type !== 'Equals' || !attr) return error(400, 'AqsInvalid', 'this stand-in answers Query(Equals(Attribute, String)) only');
      const results = [...items.values()].filter((i) => i.designCode === aqs.properties?.dodiCode && i.attributes.some((a) => a.attributeCode === attr && values.includes(String(a.value))));
      const pageSize = Number(r.query.get('pageSize') ?? 20);
      return { status: 200, body: { results: results.slice(0, pageSize), page: 1, pageSize, totalResults: results.length } };
    }
    return error(404, 'NotFound', `no route ${r.method} ${r.path}`);
  });

  const attribute = (itemId: string, code: string) => items.get(itemId)?.attributes.find((a) => a.attributeCode === code)?.value;
  return {
    ...server,
    base: `${server.url}/api/`,
    items,
    counts,
    attribute,
    /** An officer saves the item between a client's read and its edit: that edit meets a new signature. */
    raceNextEdit: () => {
      raceNextEdit = true;
    },
    /** What a council officer does in Alloy Web: sets an attribute (the status link, say), which changes the signature. */
    edit(itemId: string, code: string, value: unknown) {
      const item = items.get(itemId)!;
      const old = item.attributes.find((a) => a.attributeCode === code);
      if (old) old.value = value;
      else item.attributes.push({ attributeCode: code, value });
      item.signature = id();
    },
  };
}

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An address as the stand-in serves it: AddressBase's fields, in capitals as OS Places writes them. */
export interface StandInAddress {
  uprn: string;
  address: string;
  street: string;
  town: string;
  postcode: string;
  easting: number;
  northing: number;
}

/**
 * A local OS Places API (https://api.os.uk/search/places/v1), written from its
 * published description: GET /postcode?postcode=, /find?query=, /uprn?uprn=,
 * each needing `key`; `maxresults` 1–100; answers `{ header, results: [{ DPA }] }`,
 * no `results` when nothing matched, 400 for a postcode it cannot read and 401
 * for a wrong key. It records each request so tests can see what was asked.
 */
export async function osPlacesStandIn(addresses: StandInAddress[], key = 'test-os-key') {
  const requests: URL[] = [];
  const dpa = (a: StandInAddress) => ({
    DPA: {
      UPRN: a.uprn, ADDRESS: a.address.toUpperCase(), THOROUGHFARE_NAME: a.street.toUpperCase(), POST_TOWN: a.town.toUpperCase(),
      POSTCODE: a.postcode, X_COORDINATE: a.easting, Y_COORDINATE: a.northing, STATUS: 'APPROVED', MATCH: 1, LANGUAGE: 'EN',
    },
  });
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    requests.push(url);
    const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (url.searchParams.get('key') !== key) return send(401, { fault: { faultstring: 'Invalid ApiKey', detail: { errorcode: 'oauth.v2.InvalidApiKey' } } });
    const max = Number(url.searchParams.get('maxresults') ?? 100);
    if (!(max >= 1 && max <= 100)) return send(400, { error: { statuscode: 400, message: 'Requested maxresults must be between 1 and 100.' } });
    const header = (found: StandInAddress[]) => ({ uri: url.toString(), query: url.search, totalresults: found.length, maxresults: max, epoch: '109', output_srs: 'EPSG:27700' });
    const answer = (found: StandInAddress[]) => send(200, { header: header(found), ...(found.length ? { results: found.slice(0, max).map(dpa) } : {}) });
    const path = url.pathname.replace(/^\/search\/places\/v1/, '');
    if (path === '/postcode') {
      const pc = (url.searchParams.get('postcode') ?? '').toUpperCase().replace(/\s+/g, '');
      if (!/^[A-Z]{1,2}\d[A-Z\d]?\d?[A-Z]{0,2}$/.test(pc) || pc.length < 4) return send(400, { error: { statuscode: 400, message: 'Requested postcode must contain a minimum of the sector plus 1 digit of the district e.g. SO1. Requested postcode was ' + pc } });
      return answer(addresses.filter((a) => a.postcode.replace(/\s+/g, '').startsWith(pc)));
    }
    if (path === '/find') {
      const words = (url.searchParams.get('query') ?? '').toUpperCase().split(/\s+/).filter(Boolean);
      if (!words.length) return send(400, { error: { statuscode: 400, message: 'Requested query must not be empty' } });
      return answer(addresses.filter((a) => words.every((w) => a.address.toUpperCase().includes(w.replace(/^ST$/, 'STREET')))));
    }
    if (path === '/uprn') return answer(addresses.filter((a) => a.uprn === url.searchParams.get('uprn')));
    return send(404, { error: { statuscode: 404, message: 'Resource not found' } });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}/search/places/v1`, key, requests, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/**
 * A small gazetteer of a made-up street in Westminster (real grid squares, invented
 * UPRNs), as CSV in an LLPG-style layout, for import tests and the browser journey.
 */
export const SAMPLE_ADDRESSES: StandInAddress[] = [
  ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((n) => ({
    uprn: String(100023000000 + n), address: `${n} High Street, Exampleton, EX1 1AA`, street: 'High Street', town: 'Exampleton', postcode: 'EX1 1AA',
    easting: 529000 + n * 12, northing: 179600 + (n % 2) * 15,
  })),
  { uprn: '100023000100', address: 'Flat 2, Mill House, 4 Station Road, Exampleton, EX1 2BB', street: 'Station Road', town: 'Exampleton', postcode: 'EX1 2BB', easting: 529400, northing: 179900 },
  { uprn: '100023000101', address: '6 Station Road, Exampleton, EX1 2BB', street: 'Station Road', town: 'Exampleton', postcode: 'EX1 2BB', easting: 529420, northing: 179905 },
];

const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
export function sampleGazetteerCsv(rows: StandInAddress[] = SAMPLE_ADDRESSES): string {
  const lines = ['UPRN,ADDRESS,STREET_DESCRIPTION,TOWN_NAME,POSTCODE_LOCATOR,X_COORDINATE,Y_COORDINATE'];
  for (const a of rows) lines.push([a.uprn, a.address, a.street, a.town, a.postcode, a.easting, a.northing].map((v) => quote(String(v))).join(','));
  return lines.join('\r\n') + '\r\n';
}

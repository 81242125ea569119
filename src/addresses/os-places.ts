import type { Address, AddressLookup } from '../core/addresses/address.ts';
import { postcodeKey } from '../core/addresses/address.ts';
import { gridToLatLong } from './grid.ts';

/** One DPA (Delivery Point Address) record as the OS Places API returns it (the fields used here). */
interface Dpa {
  UPRN: string;
  ADDRESS: string;
  THOROUGHFARE_NAME?: string;
  DEPENDENT_THOROUGHFARE_NAME?: string;
  POST_TOWN?: string;
  POSTCODE: string;
  X_COORDINATE: number;
  Y_COORDINATE: number;
}

/** The OS Places API answered with an error, or not at all. Its message is for the log, never for residents. */
export class AddressServiceError extends Error {}

/**
 * Addresses from the OS Places API (Ordnance Survey, AddressBase Premium):
 * `/postcode?postcode=`, `/find?query=` and `/uprn?uprn=`, each with the
 * project key as `key`, Delivery Point Addresses only, coordinates in British
 * National Grid (its default) converted to WGS84 here.
 *
 * @example osPlaces({ baseUrl: 'https://api.os.uk/search/places/v1', key: 'KEY' }).byPostcode('SW1A 1AA', 100)
 */
export function osPlaces(opts: { baseUrl: string; key: string; timeoutMs?: number; fetch?: typeof fetch }): AddressLookup {
  const get = async (path: string, params: Record<string, string>): Promise<Address[]> => {
    const url = new URL(`${opts.baseUrl.replace(/\/+$/, '')}/${path}`);
    for (const [k, v] of Object.entries({ ...params, dataset: 'DPA', key: opts.key })) url.searchParams.set(k, v);
    let res: Response;
    try {
      res = await (opts.fetch ?? fetch)(url, { signal: AbortSignal.timeout(opts.timeoutMs ?? 5000), headers: { accept: 'application/json' } });
    } catch (err) {
      throw new AddressServiceError(`OS Places API did not answer: ${(err as Error).message}`);
    }
    // A postcode it cannot read is a 400 with a message; for residents that is simply "no addresses".
    if (res.status === 400 && path === 'postcode') return [];
    if (!res.ok) throw new AddressServiceError(`OS Places API answered ${res.status}: ${(await res.text().catch(() => '')).slice(0, 200)}`);
    const body = (await res.json().catch(() => undefined)) as { results?: { DPA?: Dpa }[] } | undefined;
    if (!body || typeof body !== 'object') throw new AddressServiceError('OS Places API sent something that is not JSON');
    return (body.results ?? []).flatMap((r) => (r.DPA ? [fromDpa(r.DPA)] : []));
  };
  return {
    kind: 'os-places',
    byPostcode: (postcode, limit) => get('postcode', { postcode: postcodeKey(postcode), maxresults: String(Math.min(100, limit)) }),
    byStreet: (text, limit) => get('find', { query: text, maxresults: String(Math.min(100, limit)) }),
    async byUprn(uprn) {
      if (!/^\d{1,12}$/.test(uprn)) return undefined;
      return (await get('uprn', { uprn }))[0];
    },
  };
}

function fromDpa(d: Dpa): Address {
  const easting = Number(d.X_COORDINATE), northing = Number(d.Y_COORDINATE);
  return {
    uprn: String(d.UPRN),
    address: d.ADDRESS,
    street: titleCase(d.THOROUGHFARE_NAME ?? d.DEPENDENT_THOROUGHFARE_NAME ?? ''),
    town: titleCase(d.POST_TOWN ?? ''),
    postcode: d.POSTCODE,
    easting,
    northing,
    ...gridToLatLong(easting, northing),
  };
}

// OS Places writes addresses in capitals; residents read "High Street", not "HIGH STREET".
const titleCase = (s: string) => s.toLowerCase().replace(/\b([a-z])/g, (c) => c.toUpperCase());

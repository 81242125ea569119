/**
 * An address a resident can choose: one row of a council's gazetteer (LLPG /
 * AddressBase style) or of the OS Places API. Easting and northing are OSGB36
 * British National Grid (EPSG:27700); lat/long are WGS84, as Open311 wants.
 */
export interface Address {
  uprn: string;
  /** The whole address on one line, as a resident reads it. */
  address: string;
  street: string;
  town: string;
  postcode: string;
  easting: number;
  northing: number;
  lat: number;
  long: number;
}

/**
 * Where addresses come from (the port): a gazetteer imported into the database,
 * the OS Places API, or none. Each answers with at most `limit` addresses.
 *
 * @example
 *   const found = await lookup.byPostcode('SW1A 1AA', 100);
 */
export interface AddressLookup {
  readonly kind: 'gazetteer' | 'os-places' | 'none';
  byPostcode(postcode: string, limit: number): Promise<Address[]>;
  /** Addresses whose street starts with the words typed ("high st" finds High Street). */
  byStreet(text: string, limit: number): Promise<Address[]>;
  byUprn(uprn: string): Promise<Address | undefined>;
}

/** The imported gazetteer, as the store keeps it. */
export interface AddressStore {
  byPostcode(postcode: string, limit: number): Promise<Address[]>;
  byStreet(text: string, limit: number): Promise<Address[]>;
  byUprn(uprn: string): Promise<Address | undefined>;
  /** Adds or replaces addresses by UPRN, in one transaction per call; returns how many were written. */
  put(addresses: Address[]): Promise<number>;
  count(): Promise<number>;
  clear(): Promise<void>;
}

/** Postcodes compared as "SW1A1AA": upper case, no spaces. */
export const postcodeKey = (postcode: string) => postcode.toUpperCase().replace(/\s+/g, '');

/** A UK postcode's shape (outward code, space optional, inward code). */
export const POSTCODE = /^[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}$/i;

/** Street text compared as typed words, lower case, "st"/"rd" and the like spelt out. */
export function streetKey(street: string): string {
  const words = street.toLowerCase().replace(/[^a-z0-9' ]+/g, ' ').split(/\s+/).filter(Boolean);
  return words.map((w) => STREET_WORDS[w] ?? w).join(' ');
}
const STREET_WORDS: Record<string, string> = { st: 'street', rd: 'road', ave: 'avenue', ln: 'lane', cl: 'close', cres: 'crescent', dr: 'drive', gdns: 'gardens', pl: 'place', sq: 'square', ter: 'terrace', tce: 'terrace' };

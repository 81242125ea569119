import type { Address, AddressStore } from '../core/addresses/address.ts';
import { POSTCODE } from '../core/addresses/address.ts';
import { csvRows } from './csv.ts';
import { gridToLatLong, onGrid } from './grid.ts';

/**
 * The columns a gazetteer extract may use for each field: an LLPG or
 * AddressBase export, or a council's own spreadsheet. Matched without regard
 * to case, spaces or underscores. The address is either one column or built
 * from its parts (SAO, PAO, street, locality, town).
 */
const COLUMNS = {
  uprn: ['uprn'],
  address: ['address', 'fulladdress', 'singlelineaddress', 'addresstext'],
  sao: ['saotext', 'sao', 'subbuilding', 'subbuildingname', 'flat'],
  pao: ['paotext', 'pao', 'buildingname', 'buildingnumber', 'housenumber', 'number', 'paostartnumber'],
  street: ['street', 'streetdescription', 'streetname', 'thoroughfare', 'thoroughfarename'],
  locality: ['locality', 'localityname', 'dependentlocality'],
  town: ['town', 'townname', 'posttown', 'towncity'],
  postcode: ['postcode', 'postcodelocator', 'postcode_locator'],
  easting: ['easting', 'xcoordinate', 'x', 'eastings'],
  northing: ['northing', 'ycoordinate', 'y', 'northings'],
} as const;
type Column = keyof typeof COLUMNS;
const norm = (h: string) => h.toLowerCase().replace(/[\s_-]+/g, '');

export interface ImportProblem {
  line: number;
  message: string;
}

export interface ImportResult {
  imported: number;
  skipped: number;
  problems: ImportProblem[];
}

const BATCH = 5000;

/**
 * Imports a gazetteer CSV into the store, replacing addresses with the same
 * UPRN. A row without a UPRN, postcode or usable easting/northing is skipped
 * and reported with its line; the rest are written in batches, each in one
 * transaction. Easting/northing (OSGB36) are converted to lat/long (WGS84).
 */
export async function importGazetteer(file: string, store: AddressStore, options: { maxProblems?: number } = {}): Promise<ImportResult> {
  const maxProblems = options.maxProblems ?? 20;
  const result: ImportResult = { imported: 0, skipped: 0, problems: [] };
  let index: Partial<Record<Column, number>> | undefined;
  let batch: Address[] = [];
  const flush = async () => {
    if (batch.length) result.imported += await store.put(batch);
    batch = [];
  };
  const skip = (line: number, message: string) => {
    result.skipped++;
    if (result.problems.length < maxProblems) result.problems.push({ line, message });
  };
  for await (const { line, fields } of csvRows(file)) {
    if (!index) {
      index = headerIndex(fields);
      const missing = (['uprn', 'postcode', 'easting', 'northing'] as Column[]).filter((c) => index![c] === undefined);
      if (index.address === undefined && index.street === undefined) missing.push('address' as Column);
      if (missing.length) throw new GazetteerFileError(`The first line must name the columns; missing: ${missing.join(', ')} (e.g. UPRN, ADDRESS, STREET, TOWN, POSTCODE, EASTING, NORTHING)`);
      continue;
    }
    const get = (c: Column) => (index![c] === undefined ? '' : (fields[index![c]!] ?? '').trim());
    const uprn = get('uprn');
    const postcode = get('postcode').toUpperCase().replace(/\s+/g, ' ');
    const easting = Number(get('easting'));
    const northing = Number(get('northing'));
    if (!/^\d{1,12}$/.test(uprn)) {
      skip(line, `UPRN must be a number of up to 12 digits, got "${uprn}"`);
      continue;
    }
    if (!POSTCODE.test(postcode)) {
      skip(line, `"${postcode}" is not a postcode`);
      continue;
    }
    if (!get('easting') || !get('northing') || !Number.isFinite(easting) || !Number.isFinite(northing) || !onGrid(easting, northing)) {
      skip(line, `easting and northing must be British National Grid metres, got "${get('easting')}", "${get('northing')}"`);
      continue;
    }
    const street = get('street');
    const town = get('town');
    const address = get('address') || [get('sao'), [get('pao'), street].filter(Boolean).join(' '), get('locality'), town].filter(Boolean).join(', ');
    batch.push({ uprn, address: withPostcode(address, postcode), street: street || streetOf(address), town, postcode, easting, northing, ...gridToLatLong(easting, northing) });
    if (batch.length >= BATCH) await flush();
  }
  if (!index) throw new GazetteerFileError('The file is empty: the first line must name the columns');
  await flush();
  return result;
}

export class GazetteerFileError extends Error {}

function headerIndex(header: string[]): Partial<Record<Column, number>> {
  const names = header.map(norm);
  const out: Partial<Record<Column, number>> = {};
  for (const [col, aliases] of Object.entries(COLUMNS) as [Column, readonly string[]][]) {
    const i = names.findIndex((n) => aliases.includes(n));
    if (i >= 0) out[col] = i;
  }
  return out;
}

const withPostcode = (address: string, postcode: string) => (address.toUpperCase().includes(postcode) ? address : `${address}, ${postcode}`);

/** The street of a one-line address when no column gives it: the first part with a word after a house number. */
function streetOf(address: string): string {
  for (const part of address.split(',').map((p) => p.trim())) {
    const m = /^\d+[a-z]?\s+(.+)$/i.exec(part);
    if (m) return m[1];
  }
  return address.split(',')[0]?.trim() ?? '';
}

import type { AddressLookup } from '../core/addresses/address.ts';
import type { Store } from '../core/store.ts';
import type { Config } from '../config/schema.ts';
import { osPlaces } from './os-places.ts';

/** The address lookup ADDRESS_SOURCE names: the imported gazetteer, the OS Places API, or none (addresses typed in). */
export function addressLookup(config: Pick<Config, 'addressSource' | 'osPlacesApiKey' | 'osPlacesBaseUrl'>, store: Store): AddressLookup {
  if (config.addressSource === 'os-places' && config.osPlacesApiKey) return osPlaces({ baseUrl: config.osPlacesBaseUrl, key: config.osPlacesApiKey });
  if (config.addressSource === 'gazetteer') {
    return { kind: 'gazetteer', byPostcode: store.addresses.byPostcode, byStreet: store.addresses.byStreet, byUprn: store.addresses.byUprn };
  }
  return { kind: 'none', byPostcode: async () => [], byStreet: async () => [], byUprn: async () => undefined };
}

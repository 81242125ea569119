import { createRequire } from 'node:module';
import type proj4Type from 'proj4';

/**
 * British National Grid (OSGB36, EPSG:27700) and WGS84 (EPSG:4326, what
 * Open311 and web maps use), converted by proj4 with the OSGB36 Helmert
 * transformation: good to a few metres, ample for finding a street light.
 */
const BNG = '+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 +ellps=airy +towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489 +units=m +no_defs';
// proj4 is loaded at the first conversion, not at start (docs/performance.md: start-up).
const require = createRequire(import.meta.url);
let converter: proj4Type.Converter | undefined;
const toWgs84 = () => (converter ??= (require('proj4') as typeof proj4Type)(BNG, 'EPSG:4326'));

/** Easting/northing in metres → latitude/longitude, rounded to 6 places (about 10 cm). */
export function gridToLatLong(easting: number, northing: number): { lat: number; long: number } {
  const [long, lat] = toWgs84().forward([easting, northing]);
  return { lat: round(lat, 6), long: round(long, 6) };
}

/** Latitude/longitude → easting/northing in metres, rounded to 0.1 m. */
export function latLongToGrid(lat: number, long: number): { easting: number; northing: number } {
  const [easting, northing] = toWgs84().inverse([long, lat]);
  return { easting: round(easting, 1), northing: round(northing, 1) };
}

/** Within the grid's extent (Great Britain and its waters). */
export const onGrid = (easting: number, northing: number) => easting >= 0 && easting <= 700_000 && northing >= 0 && northing <= 1_300_000;

const round = (n: number, places: number) => Math.round(n * 10 ** places) / 10 ** places;

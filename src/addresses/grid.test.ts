import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gridToLatLong, latLongToGrid } from './grid.ts';

// Ordnance Survey's worked example ("A guide to coordinate systems in Great Britain"): Caister water tower,
// OSGB36 E 651409.903 N 313177.270, ETRS89 (≈ WGS84) 52°39′28.723″N 1°42′57.787″E. The Helmert
// transformation proj4 uses is good to a few metres; 0.00005° is about 4 m.
test('OSGB36 easting/northing and WGS84 latitude/longitude convert both ways', () => {
  const tower = gridToLatLong(651409.903, 313177.27);
  const [lat, long] = [52 + 39 / 60 + 28.723 / 3600, 1 + 42 / 60 + 57.787 / 3600];
  assert.ok(Math.abs(tower.lat - lat) < 0.00005 && Math.abs(tower.long - long) < 0.00005, JSON.stringify({ tower, lat, long }));
  const back = latLongToGrid(tower.lat, tower.long);
  assert.ok(Math.abs(back.easting - 651409.9) < 0.5 && Math.abs(back.northing - 313177.3) < 0.5, JSON.stringify(back));
});

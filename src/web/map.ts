/**
 * The map of the location page. With JavaScript it is Leaflet; without, a
 * grid of the same tiles drawn as `<input type="image">` buttons, as
 * FixMyStreet does: a click on a tile submits the form with where on the tile
 * it landed (`tile_Z_X_Y.x` and `.y`, in the tile's own pixels, because the
 * tiles are drawn at their natural 256 px), which turns back into a point.
 * Web Mercator tile arithmetic (the slippy-map scheme every tile server uses).
 */
export const TILE = 256;

const worldPixels = (zoom: number) => TILE * 2 ** zoom;

/** A WGS84 point as pixels of the whole world at `zoom`. */
export function toPixels(lat: number, long: number, zoom: number): { x: number; y: number } {
  const rad = (Math.max(-85.0511, Math.min(85.0511, lat)) * Math.PI) / 180;
  const size = worldPixels(zoom);
  return { x: ((long + 180) / 360) * size, y: ((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * size };
}

/** Pixels of the whole world at `zoom` as a WGS84 point, rounded to 6 places (about 10 cm). */
export function fromPixels(x: number, y: number, zoom: number): { lat: number; long: number } {
  const size = worldPixels(zoom);
  const long = (x / size) * 360 - 180;
  const lat = (Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / size))) * 180) / Math.PI;
  return { lat: Math.round(lat * 1e6) / 1e6, long: Math.round(long * 1e6) / 1e6 };
}

export interface TileGrid {
  zoom: number;
  rows: { x: number; y: number; name: string; n: number }[][];
  /** Where the current point is, in pixels from the grid's top left. */
  marker: { left: number; top: number };
  size: { width: number; height: number };
}

/** A 2 × 2 grid of tiles around a point, the point within its middle half. */
export function tileGrid(lat: number, long: number, zoom: number): TileGrid {
  const p = toPixels(lat, long, zoom);
  const x0 = Math.floor(p.x / TILE - 0.5), y0 = Math.floor(p.y / TILE - 0.5);
  const rows = [0, 1].map((dy) => [0, 1].map((dx) => ({ x: x0 + dx, y: y0 + dy, name: `tile_${zoom}_${x0 + dx}_${y0 + dy}`, n: dy * 2 + dx + 1 })));
  return { zoom, rows, marker: { left: Math.round(p.x - x0 * TILE), top: Math.round(p.y - y0 * TILE) }, size: { width: 2 * TILE, height: 2 * TILE } };
}

/** The point a no-JavaScript map click names: the form field `tile_Z_X_Y.x` and its `.y`. Undefined when there is none or it is out of range. */
export function clickedPoint(body: Record<string, unknown>): { lat: number; long: number } | undefined {
  for (const key of Object.keys(body)) {
    const m = /^tile_(\d{1,2})_(\d{1,7})_(\d{1,7})\.x$/.exec(key);
    if (!m) continue;
    const [z, tx, ty] = m.slice(1).map(Number);
    const px = Number(body[key]), py = Number(body[key.replace(/\.x$/, '.y')]);
    if (z > 22 || tx >= 2 ** z || ty >= 2 ** z || !(px >= 0 && px <= TILE) || !(py >= 0 && py <= TILE)) return undefined;
    return fromPixels(tx * TILE + px, ty * TILE + py, z);
  }
  return undefined;
}

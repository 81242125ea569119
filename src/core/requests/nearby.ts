import type { ServiceRequest } from './request.ts';

/** Open reports of one service near a point, nearest first (the resident web's "Is it one of these?"). */
export interface NearbyQuery {
  jurisdictionId: string;
  serviceCode: string;
  lat: number;
  long: number;
  /** Within this many metres. */
  metres: number;
  limit: number;
  /** Statuses at which a report is finished: those are not shown. */
  closed: string[];
}

const EARTH_METRES = 6_371_000;

/** Distance in metres between two WGS84 points (haversine; ample for a few hundred metres). */
export function metresBetween(a: { lat: number; long: number }, b: { lat: number; long: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad, dLong = (b.long - a.long) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLong / 2) ** 2;
  return 2 * EARTH_METRES * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The latitude/longitude box around a point that holds every point within `metres` (for an index to narrow first). */
export function boxAround(p: { lat: number; long: number }, metres: number) {
  const dLat = (metres / EARTH_METRES) * (180 / Math.PI);
  const dLong = dLat / Math.max(0.01, Math.cos((p.lat * Math.PI) / 180));
  return { minLat: p.lat - dLat, maxLat: p.lat + dLat, minLong: p.long - dLong, maxLong: p.long + dLong };
}

export type NearbyReport = { request: ServiceRequest; metres: number };

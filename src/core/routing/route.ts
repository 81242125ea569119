/**
 * Where one service's new requests go, per jurisdiction. `serviceCode` '*' is
 * the jurisdiction's default. Without any route a request stays in the
 * built-in case store.
 */
export interface Route {
  jurisdictionId: string;
  serviceCode: string;
  primary: string;
  /** Also receives every request; its results are recorded, never shown. */
  shadow?: string;
  /** Receives `canaryPercent`% of new requests instead of the primary. */
  canary?: string;
  canaryPercent: number;
  updatedAt: Date;
  updatedBy: string;
}

export type RouteAction = 'set' | 'shadow' | 'canary' | 'promote' | 'clear';

export interface RouteChange {
  id: string;
  jurisdictionId: string;
  serviceCode: string;
  action: RouteAction;
  before?: Omit<Route, 'updatedAt' | 'updatedBy'>;
  after?: Omit<Route, 'updatedAt' | 'updatedBy'>;
  actor: string;
  at: Date;
}

/** A configured back-end instance: its adapter kind and that adapter's configuration. */
export interface BackendConfig {
  name: string;
  kind: string;
  config: Record<string, unknown>;
  /** The council it belongs to; undefined for an install-wide back-end (decision 0178). */
  jurisdictionId?: string;
  createdAt: Date;
  updatedAt: Date;
  updatedBy: string;
}

/**
 * The routing part of the storage port.
 *
 * @example
 *   await store.routing.save({ …route }, { action: 'canary', actor: 'jo@council' });
 *   await store.routing.routeFor('example', 'pothole'); // exact route, else the '*' default
 */
export interface RoutingStore {
  routeFor(jurisdictionId: string, serviceCode: string): Promise<Route | undefined>;
  get(jurisdictionId: string, serviceCode: string): Promise<Route | undefined>;
  list(jurisdictionId?: string): Promise<Route[]>;
  /** Writes the route (or deletes it when `route` is undefined) and its change record in one transaction. */
  save(
    key: { jurisdictionId: string; serviceCode: string },
    route: Omit<Route, 'updatedAt' | 'updatedBy'> | undefined,
    change: { action: RouteAction; actor: string },
  ): Promise<RouteChange>;
  changes(filter: { jurisdictionId?: string; serviceCode?: string; limit: number }): Promise<RouteChange[]>;
  backends(): Promise<BackendConfig[]>;
  backend(name: string): Promise<BackendConfig | undefined>;
  /**
   * Adds or changes a back-end; `jurisdictionId` is its owner (null: install-wide; left out, a change keeps the owner it has).
   * With `onlyOf`, a saved one is changed only if it belongs to that council, in the same statement; else nothing is written and the answer is undefined.
   */
  saveBackend(b: { name: string; kind: string; config: Record<string, unknown>; jurisdictionId?: string | null }, actor: string, onlyOf?: string): Promise<BackendConfig | undefined>;
}

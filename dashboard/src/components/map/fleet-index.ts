/**
 * What the map knows about the fleet, split by how often it changes. The geometry (where each
 * device is, which rooms cluster together at each zoom) is built once per set of devices: a
 * supercluster index of 100 000 rooms takes a few hundred milliseconds, too slow to redo on every
 * reading. The colours change a few times a second, so they live apart in one byte per device,
 * refreshed per store version, and a cluster's colour is read off its leaves (their device
 * numbers cached per cluster) at draw time. Substations are never clustered: they are the
 * landmarks a dispatcher navigates by.
 */
import Supercluster, { type PointFeature } from 'supercluster';
import type { DeviceView } from '../../../../ingest/contracts/devices.ts';
import { MARKER_STATES, markerState, severity, type MarkerState } from '../../state/marker-state.ts';
import type { LatLng } from './gcj02.ts';

/** Where a WGS-84 position is drawn (identity, or the GCJ-02 shift for Chinese tiles). */
export type Project = (lat: number, lng: number) => LatLng;
/** [west, south, east, north] in drawn coordinates. */
export type BBox = [number, number, number, number];

/** Rooms stop clustering above this zoom, so the map's last zooms show every room. */
export const CLUSTER_MAX_ZOOM = 17;
const CLUSTER_RADIUS_PX = 48;
/** Leaflet's 256 px tiles: supercluster's radius is in pixels of a tile this wide (default 512). */
const TILE_EXTENT = 256;

export interface ClusterSummary {
  id: number;
  lat: number;
  lng: number;
  total: number;
  worst: MarkerState;
  worstCount: number;
  /** Devices per state, in MARKER_STATES order. */
  counts: number[];
}

export interface ViewContent {
  /** Device numbers (see `ids`) drawn on their own: rooms not clustered, then substations. */
  points: number[];
  clusters: ClusterSummary[];
}

/** Which devices have an open ticket, as the TicketStore says; `version` ticks when that may change. */
export interface TicketFlags {
  readonly version: number;
  hasOpenTicket(deviceId: string): boolean;
}

/** The devices a FleetIndex holds, as the DeviceStore offers them. */
export interface DeviceSource {
  readonly size: number;
  /** The server's room threshold (°C). */
  readonly roomLowC: number;
  get(id: string): DeviceView | undefined;
  all(): Iterable<DeviceView>;
}

export class FleetIndex {
  /** Device id by device number. */
  readonly ids: string[] = [];
  readonly isSubstation: Uint8Array;
  /** Drawn positions (projected). */
  readonly lat: Float64Array;
  readonly lng: Float64Array;
  /** Current state of each device as its severity (index in MARKER_STATES). */
  readonly severity: Uint8Array;
  /** Devices per state over the whole fleet, in MARKER_STATES order. */
  readonly counts: number[] = MARKER_STATES.map(() => 0);
  readonly #number = new Map<string, number>();
  /** Reported positions, to notice a device that moved. */
  readonly #wgsLat: Float64Array;
  readonly #wgsLng: Float64Array;
  readonly #substations: number[] = [];
  readonly #rooms = new Supercluster<{ n: number }>({ maxZoom: CLUSTER_MAX_ZOOM, radius: CLUSTER_RADIUS_PX, extent: TILE_EXTENT });
  /** What each device's colour was last worked out from. */
  readonly #seen: (DeviceView | undefined)[] = [];
  readonly #seenReading: (DeviceView['lastReading'] | undefined)[] = [];
  readonly #ticket: Uint8Array;
  #ticketsVersion = Number.NaN;
  #roomLowC = Number.NaN;
  /** Leaves of each cluster seen so far: fixed for the life of the index. */
  readonly #leaves = new Map<number, Int32Array>();

  constructor(devices: Iterable<DeviceView>, project: Project) {
    const list = [...devices];
    this.isSubstation = new Uint8Array(list.length);
    this.lat = new Float64Array(list.length);
    this.lng = new Float64Array(list.length);
    this.#wgsLat = new Float64Array(list.length);
    this.#wgsLng = new Float64Array(list.length);
    this.severity = new Uint8Array(list.length).fill(severity('noData'));
    this.#ticket = new Uint8Array(list.length);
    const roomPoints: PointFeature<{ n: number }>[] = [];
    list.forEach((d, n) => {
      const at = project(d.lat, d.lng);
      this.ids.push(d.id);
      this.#number.set(d.id, n);
      this.lat[n] = at.lat;
      this.lng[n] = at.lng;
      this.#wgsLat[n] = d.lat;
      this.#wgsLng[n] = d.lng;
      if (d.kind === 'substation') {
        this.isSubstation[n] = 1;
        this.#substations.push(n);
      } else {
        roomPoints.push({ type: 'Feature', properties: { n }, geometry: { type: 'Point', coordinates: [at.lng, at.lat] } });
      }
    });
    this.#rooms.load(roomPoints);
  }

  get size(): number {
    return this.ids.length;
  }

  numberOf(id: string): number | undefined {
    return this.#number.get(id);
  }

  stateOf(n: number): MarkerState {
    return MARKER_STATES[this.severity[n]!]!;
  }

  /**
   * Recolours the fleet from the stores. Returns false when the store no longer holds exactly
   * these devices at these places, i.e. the geometry is stale and the index should be rebuilt.
   * A device whose object, newest reading and ticket flag are unchanged keeps its colour without
   * being re-evaluated; ticket flags are asked for again only when the tickets changed.
   */
  refresh(source: DeviceSource, tickets: TicketFlags): boolean {
    const ticketsChanged = tickets.version !== this.#ticketsVersion;
    this.#ticketsVersion = tickets.version;
    // A new threshold (a reloaded rules file, a new login) recolours every room.
    const thresholdChanged = !Object.is(source.roomLowC, this.#roomLowC);
    this.#roomLowC = source.roomLowC;
    let same = source.size === this.ids.length;
    this.counts.fill(0);
    // The store keeps insertion order: walk it beside `ids` and look up by id only once it diverges.
    const walk = source.all()[Symbol.iterator]();
    let inStep = true;
    for (let n = 0; n < this.ids.length; n++) {
      let d: DeviceView | undefined = inStep ? walk.next().value : undefined;
      if (d?.id !== this.ids[n]) {
        inStep = false;
        d = source.get(this.ids[n]!);
      }
      if (d === undefined) {
        same = false;
        continue;
      }
      let changed = thresholdChanged || d !== this.#seen[n] || d.lastReading !== this.#seenReading[n];
      if (d !== this.#seen[n] && !this.#samePlace(n, d)) same = false;
      if (ticketsChanged) {
        const flag = tickets.hasOpenTicket(d.id) ? 1 : 0;
        changed ||= flag !== this.#ticket[n];
        this.#ticket[n] = flag;
      }
      if (changed) {
        this.severity[n] = severity(markerState(d, this.#ticket[n] === 1, source.roomLowC));
        this.#seen[n] = d;
        this.#seenReading[n] = d.lastReading;
      }
      this.counts[this.severity[n]!]! += 1;
    }
    return same;
  }

  #samePlace(n: number, d: DeviceView): boolean {
    return d.lat === this.#wgsLat[n] && d.lng === this.#wgsLng[n] && (d.kind === 'substation') === (this.isSubstation[n] === 1);
  }

  /** What to draw in `bbox` at `zoom`: clusters with their colour and counts, and single devices. */
  query(bbox: BBox, zoom: number): ViewContent {
    const points: number[] = [];
    const clusters: ClusterSummary[] = [];
    for (const f of this.#rooms.getClusters(bbox, Math.floor(zoom))) {
      const [lng, lat] = f.geometry.coordinates as [number, number];
      if ('cluster' in f.properties && f.properties.cluster) clusters.push(this.summarise(f.properties.cluster_id, lat, lng));
      else points.push((f.properties as { n: number }).n);
    }
    const [west, south, east, north] = bbox;
    for (const n of this.#substations) {
      const lat = this.lat[n]!;
      const lng = this.lng[n]!;
      if (lat >= south && lat <= north && lng >= west && lng <= east) points.push(n);
    }
    return { points, clusters };
  }

  summarise(clusterId: number, lat: number, lng: number): ClusterSummary {
    let leaves = this.#leaves.get(clusterId);
    if (leaves === undefined) {
      leaves = Int32Array.from(this.#rooms.getLeaves(clusterId, Infinity), (f) => f.properties.n);
      this.#leaves.set(clusterId, leaves);
    }
    const counts = MARKER_STATES.map(() => 0);
    for (let i = 0; i < leaves.length; i++) counts[this.severity[leaves[i]!]!]! += 1;
    const worstIndex = counts.findIndex((c) => c > 0);
    return { id: clusterId, lat, lng, total: leaves.length, worst: MARKER_STATES[worstIndex]!, worstCount: counts[worstIndex]!, counts };
  }

  /** The zoom at which a cluster falls apart into smaller ones. */
  expansionZoom(clusterId: number): number {
    return this.#rooms.getClusterExpansionZoom(clusterId);
  }

  /** The drawn extent of every device, or null for an empty fleet. */
  bounds(): BBox | null {
    if (this.size === 0) return null;
    const b: BBox = [Infinity, Infinity, -Infinity, -Infinity];
    for (let n = 0; n < this.size; n++) {
      b[0] = Math.min(b[0], this.lng[n]!);
      b[1] = Math.min(b[1], this.lat[n]!);
      b[2] = Math.max(b[2], this.lng[n]!);
      b[3] = Math.max(b[3], this.lat[n]!);
    }
    return b;
  }
}

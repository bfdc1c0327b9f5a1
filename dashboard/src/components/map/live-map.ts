/**
 * The Leaflet map behind MapView: base tiles over a plain graticule, the marker canvas, and the
 * fleet index it draws from. States are refreshed on every store version; the index (geometry)
 * is rebuilt only when devices are added, removed or moved, and then at most every
 * REBUILD_MIN_MS, so a bulk import does not rebuild 100 000 points per tick.
 */
import * as L from 'leaflet';
import type { MapConfig } from '../../../../ingest/contracts/map-config.ts';
import { FleetIndex, type DeviceSource, type Project, type TicketFlags } from './fleet-index.ts';
import { wgs84ToGcj02 } from './gcj02.ts';
import { MarkerCanvas, type MarkerCanvasEvents } from './marker-canvas.ts';
import { measure } from './user-timing.ts';

const MAX_ZOOM = 19;
const START_ZOOM = 13;
/** Zoom used to bring a device chosen elsewhere (queue, panel) into view. */
const FOCUS_ZOOM = 16;
const REBUILD_MIN_MS = 5_000;

export interface LiveMapEvents extends MarkerCanvasEvents {
  /** Devices per state (MARKER_STATES order) over the fleet, and how many are on the map. */
  onCounts(counts: readonly number[], markers: number): void;
  /** True when tiles were asked for and none could be loaded (no internet, bad key). */
  onTilesFailed(failed: boolean): void;
}

export interface FleetSource extends DeviceSource {
  roomsOf(substationId: string): { id: string }[];
}

export class LiveMap {
  readonly #map: L.Map;
  readonly #canvas: MarkerCanvas;
  readonly #events: LiveMapEvents;
  readonly #project: Project;
  readonly #resize: ResizeObserver;
  #index: FleetIndex | null = null;
  #source: FleetSource | null = null;
  #tickets: TicketFlags | null = null;
  #builtAt = Number.NEGATIVE_INFINITY;
  #rebuildTimer: ReturnType<typeof setTimeout> | undefined;
  #fitted = false;
  readonly #centre: L.LatLngExpression;

  constructor(container: HTMLElement, config: MapConfig, events: LiveMapEvents) {
    this.#events = events;
    this.#project = config.coords === 'gcj02' ? wgs84ToGcj02 : (lat, lng) => ({ lat, lng });
    this.#map = L.map(container, { preferCanvas: true, zoomControl: false, attributionControl: false, maxZoom: MAX_ZOOM, minZoom: 3 });
    this.#centre = this.#project(config.center.lat, config.center.lng);
    this.#map.setView(this.#centre, START_ZOOM);
    new Graticule({ tileSize: 256, zIndex: 0 }).addTo(this.#map);
    this.#addTiles(config);
    this.#canvas = new MarkerCanvas(this.#map, events);
    this.#resize = new ResizeObserver(() => this.#map.invalidateSize({ pan: false }));
    this.#resize.observe(container);
  }

  /** Follow the stores: recolour now, rebuild the geometry if the set of devices changed. */
  refresh(source: FleetSource, tickets: TicketFlags): void {
    const started = performance.now();
    this.#source = source;
    this.#tickets = tickets;
    this.#canvas.setFeeds((id) => source.roomsOf(id).map((d) => d.id));
    const current = this.#index !== null && this.#index.refresh(source, tickets);
    measure('heatwatch:map-refresh', started);
    if (!current) {
      const wait = this.#index === null || this.#index.size === 0 ? 0 : this.#builtAt + REBUILD_MIN_MS - performance.now();
      if (wait <= 0) this.#rebuild();
      else this.#rebuildTimer ??= setTimeout(() => this.#rebuild(), wait);
    }
    if (this.#index) this.#events.onCounts(this.#index.counts, this.#index.size);
    this.#canvas.requestDraw();
  }

  /** Ring the selected device; bring it into view if it was chosen elsewhere and is off screen. */
  select(id: string | null): void {
    this.#canvas.setSelected(id);
    const n = id === null ? undefined : this.#index?.numberOf(id);
    if (n === undefined || !this.#index) return;
    const at = L.latLng(this.#index.lat[n]!, this.#index.lng[n]!);
    if (!this.#map.getBounds().contains(at)) this.#map.setView(at, Math.max(this.#map.getZoom(), FOCUS_ZOOM));
  }

  zoomBy(delta: number): void {
    this.#map.setZoom(this.#map.getZoom() + delta);
  }

  /** Show the whole fleet (or the configured centre while there is none). */
  fitAll(): void {
    const b = this.#index?.bounds();
    if (b) this.#map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { padding: [32, 32], maxZoom: FOCUS_ZOOM });
    else this.#map.setView(this.#centre, START_ZOOM);
  }

  destroy(): void {
    clearTimeout(this.#rebuildTimer);
    this.#resize.disconnect();
    this.#canvas.destroy();
    this.#map.remove();
  }

  #rebuild(): void {
    clearTimeout(this.#rebuildTimer);
    this.#rebuildTimer = undefined;
    const source = this.#source;
    const tickets = this.#tickets;
    if (!source || !tickets) return;
    const started = performance.now();
    const index = new FleetIndex(source.all(), this.#project);
    index.refresh(source, tickets);
    measure('heatwatch:map-index', started);
    this.#index = index;
    this.#builtAt = performance.now();
    this.#canvas.setIndex(index);
    this.#events.onCounts(index.counts, index.size);
    if (!this.#fitted && index.size > 0) {
      this.#fitted = true;
      this.fitAll();
    }
  }

  #addTiles(config: MapConfig): void {
    if (config.layers.length === 0) return;
    L.control.attribution({ prefix: false }).addTo(this.#map);
    let loaded = 0;
    let failed = 0;
    const report = () => this.#events.onTilesFailed(failed > 0 && loaded === 0);
    for (const layer of config.layers) {
      L.tileLayer(layer.url, {
        ...(layer.subdomains ? { subdomains: layer.subdomains } : {}),
        attribution: layer.attribution,
        maxNativeZoom: layer.maxZoom,
        maxZoom: MAX_ZOOM,
      })
        .on('tileload', () => {
          loaded += 1;
          report();
        })
        .on('tileerror', () => {
          failed += 1;
          report();
        })
        .addTo(this.#map);
    }
  }
}

/**
 * The plain background under (or instead of) the tiles: a faint 256 px grid, so panning shows.
 * Tiles are bare divs (the colour is the container's), far cheaper than a canvas per tile.
 */
class Graticule extends L.GridLayer {
  protected override createTile(): HTMLElement {
    const tile = document.createElement('div');
    tile.style.boxShadow = 'inset 1px 1px 0 #e1e5ea';
    return tile;
  }
}

/**
 * The markers' canvas: one <canvas> in its own Leaflet pane, drawn from the fleet index for what
 * is in view (plus a margin), like Leaflet's own canvas renderer: it moves with the map while
 * panning, scales during the zoom animation, and is redrawn when the view settles or the states
 * change, at most every MIN_REDRAW_MS. Hovering and clicking are hit-tested here against what was
 * last drawn (at most a few hundred shapes, since clusters bound it), not against the fleet.
 */
import * as L from 'leaflet';
import type { FleetIndex, ClusterSummary } from './fleet-index.ts';
import { measure } from './user-timing.ts';
import { paintClusterDisc, paintClusterLabel, paintFeeds, paintRoom, paintSelection, paintSubstation, ROOM_RADIUS, spreadOverlaps, substationHalf, type Point } from './marker-paint.ts';

/** Share of the view drawn beyond each edge, so a short pan shows markers already there. */
const PADDING = 0.15;
/** States tick at most 4×/s; more redraws than that would only cost battery. */
const MIN_REDRAW_MS = 250;

export type MapTarget = { kind: 'device'; id: string } | { kind: 'cluster'; cluster: ClusterSummary };
export interface Hover {
  target: MapTarget;
  /** Container pixels, for placing a tooltip. */
  x: number;
  y: number;
}

export interface DrawStats {
  /** Points plus clusters drawn. */
  drawn: number;
  /** "zoom x y": the container's top-left corner in Web Mercator world pixels at that zoom. */
  view: string;
}

export interface MarkerCanvasEvents {
  onSelect(id: string): void;
  onHover(hover: Hover | null): void;
  onDrawn(stats: DrawStats): void;
}

interface Hit {
  at: Point;
  radius: number;
  target: MapTarget;
}

export class MarkerCanvas {
  readonly #map: L.Map;
  readonly #events: MarkerCanvasEvents;
  readonly #canvas: HTMLCanvasElement;
  readonly #ctx: CanvasRenderingContext2D;
  #index: FleetIndex | null = null;
  #selected: string | null = null;
  #hovered: MapTarget | null = null;
  #feeds: (substationId: string) => string[] = () => [];
  /** Layer pixel of the canvas' top-left corner, and the zoom and place it was drawn for. */
  #origin = L.point(0, 0);
  #topLeft = L.latLng(0, 0);
  #zoom = 0;
  #hits: Hit[] = [];
  #substationHalf = 0;
  #frame = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastDraw = 0;

  constructor(map: L.Map, events: MarkerCanvasEvents) {
    this.#map = map;
    this.#events = events;
    const pane = map.createPane('heatwatch-markers');
    pane.style.zIndex = '450';
    pane.style.pointerEvents = 'none';
    this.#canvas = L.DomUtil.create('canvas', 'leaflet-zoom-animated', pane);
    this.#ctx = this.#canvas.getContext('2d')!;
    map.on('moveend viewreset resize', this.#reset);
    map.on('zoomanim', this.#onZoomAnim);
    map.on('zoom', this.#onZoom);
    map.on('mousemove', this.#onMouseMove);
    map.on('mouseout movestart', this.#clearHover);
    map.on('click', this.#onClick);
    this.#reset();
  }

  setIndex(index: FleetIndex): void {
    this.#index = index;
    this.requestDraw();
  }

  setSelected(id: string | null): void {
    this.#selected = id;
    this.requestDraw(true);
  }

  /** How to find the rooms a substation feeds, for the hover highlight. */
  setFeeds(feeds: (substationId: string) => string[]): void {
    this.#feeds = feeds;
  }

  /** Redraw soon: at the next frame when `now`, else no sooner than MIN_REDRAW_MS after the last. */
  requestDraw(now = false): void {
    if (this.#frame !== 0) return;
    const wait = now ? 0 : this.#lastDraw + MIN_REDRAW_MS - performance.now();
    if (wait > 0) {
      this.#timer ??= setTimeout(() => {
        this.#timer = undefined;
        this.requestDraw(true);
      }, wait);
      return;
    }
    this.#frame = requestAnimationFrame(() => {
      this.#frame = 0;
      this.#draw();
    });
  }

  destroy(): void {
    cancelAnimationFrame(this.#frame);
    clearTimeout(this.#timer);
    this.#map.off('moveend viewreset resize', this.#reset);
    this.#map.off('zoomanim', this.#onZoomAnim);
    this.#map.off('zoom', this.#onZoom);
    this.#map.off('mousemove', this.#onMouseMove);
    this.#map.off('mouseout movestart', this.#clearHover);
    this.#map.off('click', this.#onClick);
    this.#canvas.remove();
  }

  /** The view settled: put the canvas over it again and draw at once (resizing clears it). */
  #reset = (): void => {
    const map = this.#map;
    const size = map.getSize();
    const min = map.containerPointToLayerPoint(size.multiplyBy(-PADDING)).round();
    const max = map.containerPointToLayerPoint(size.multiplyBy(1 + PADDING)).round();
    this.#origin = min;
    this.#topLeft = map.layerPointToLatLng(min);
    this.#zoom = map.getZoom();
    L.DomUtil.setPosition(this.#canvas, min);
    const dpr = window.devicePixelRatio || 1;
    const width = max.x - min.x;
    const height = max.y - min.y;
    this.#canvas.width = Math.round(width * dpr);
    this.#canvas.height = Math.round(height * dpr);
    this.#canvas.style.width = `${width}px`;
    this.#canvas.style.height = `${height}px`;
    cancelAnimationFrame(this.#frame);
    this.#frame = 0;
    this.#draw();
  };

  /** Scale what is drawn along with the tiles until the zoom settles (as L.Renderer does). */
  #transform(center: L.LatLng, zoom: number): void {
    const map = this.#map;
    const scale = map.getZoomScale(zoom, this.#zoom);
    const panePos = L.DomUtil.getPosition(map.getPane('mapPane')!) ?? L.point(0, 0);
    const newPixelOrigin = map.project(center, zoom).subtract(map.getSize().divideBy(2)).add(panePos).round();
    L.DomUtil.setTransform(this.#canvas, map.project(this.#topLeft, zoom).subtract(newPixelOrigin), scale);
  }

  #onZoomAnim = (e: L.ZoomAnimEvent): void => this.#transform(e.center, e.zoom);
  #onZoom = (): void => this.#transform(this.#map.getCenter(), this.#map.getZoom());

  #toCanvas(lat: number, lng: number): Point {
    const p = this.#map.latLngToLayerPoint([lat, lng]);
    return { x: p.x - this.#origin.x, y: p.y - this.#origin.y };
  }

  #draw(): void {
    // Leaflet settles a zoom one frame before 'moveend': a draw in between needs the new origin.
    if (this.#map.getZoom() !== this.#zoom) return this.#reset();
    const started = performance.now();
    const ctx = this.#ctx;
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, this.#canvas.width, this.#canvas.height);
    this.#hits = [];
    const index = this.#index;
    let drawn = 0;
    if (index) {
      const size = L.point(this.#canvas.width / dpr, this.#canvas.height / dpr);
      const sw = this.#map.layerPointToLatLng(this.#origin.add([0, size.y]));
      const ne = this.#map.layerPointToLatLng(this.#origin.add([size.x, 0]));
      const view = index.query([sw.lng, sw.lat, ne.lng, ne.lat], this.#map.getZoom());
      drawn = view.points.length + view.clusters.length;
      const at = new Map<number, Point>();
      const discs = view.clusters.map((c) => this.#toCanvas(c.lat, c.lng));
      view.clusters.forEach((c, i) => {
        this.#hits.push({ at: discs[i]!, radius: paintClusterDisc(ctx, discs[i]!, c), target: { kind: 'cluster', cluster: c } });
      });
      const rooms = view.points.filter((n) => index.isSubstation[n] === 0);
      spreadOverlaps(rooms.map((n) => this.#toCanvas(index.lat[n]!, index.lng[n]!))).forEach((p, i) => at.set(rooms[i]!, p));
      for (const n of rooms) {
        paintRoom(ctx, at.get(n)!, index.stateOf(n));
        this.#hits.push({ at: at.get(n)!, radius: ROOM_RADIUS + 2, target: { kind: 'device', id: index.ids[n]! } });
      }
      // Substations over rooms and clusters; the clusters' counts over everything but the selection.
      const substations = view.points.filter((n) => index.isSubstation[n] === 1);
      this.#substationHalf = substationHalf(substations.length);
      for (const n of substations) {
        const p = this.#toCanvas(index.lat[n]!, index.lng[n]!);
        at.set(n, p);
        paintSubstation(ctx, p, index.stateOf(n), this.#substationHalf);
        this.#hits.push({ at: p, radius: this.#substationHalf + 2, target: { kind: 'device', id: index.ids[n]! } });
      }
      this.#paintFeeds(index, at);
      view.clusters.forEach((c, i) => paintClusterLabel(ctx, discs[i]!, c));
      this.#paintSelected(index, at);
      this.#refreshHoveredCluster();
    }
    this.#lastDraw = performance.now();
    measure('heatwatch:map-draw', started);
    const origin = this.#map.getPixelOrigin().add(this.#map.containerPointToLayerPoint([0, 0]));
    this.#events.onDrawn({ drawn, view: `${this.#map.getZoom()} ${origin.x} ${origin.y}` });
  }

  /** A hovered cluster's counts follow the states: hand its tooltip the fresh summary. */
  #refreshHoveredCluster(): void {
    const hovered = this.#hovered;
    if (hovered?.kind !== 'cluster') return;
    const hit = this.#hits.find((h) => sameTarget(h.target, hovered));
    this.#hovered = hit?.target ?? null;
    this.#events.onHover(hit ? this.#hoverOf(hit) : null);
  }

  /** The rooms of the hovered substation, and of the selected one (touch screens cannot hover). */
  #paintFeeds(index: FleetIndex, at: Map<number, Point>): void {
    const ids = new Set([this.#hovered?.kind === 'device' ? this.#hovered.id : null, this.#selected]);
    for (const id of ids) {
      const n = id === null ? undefined : index.numberOf(id);
      if (id === null || n === undefined || index.isSubstation[n] !== 1) continue;
      const rooms = this.#feeds(id).flatMap((room) => {
        const r = index.numberOf(room);
        return r === undefined ? [] : [at.get(r) ?? this.#toCanvas(index.lat[r]!, index.lng[r]!)];
      });
      paintFeeds(this.#ctx, at.get(n) ?? this.#toCanvas(index.lat[n]!, index.lng[n]!), rooms);
    }
  }

  #paintSelected(index: FleetIndex, at: Map<number, Point>): void {
    const n = this.#selected === null ? undefined : index.numberOf(this.#selected);
    if (n === undefined) return;
    const p = at.get(n) ?? this.#toCanvas(index.lat[n]!, index.lng[n]!);
    paintSelection(this.#ctx, p, index.isSubstation[n] === 1 ? this.#substationHalf + 6 : ROOM_RADIUS + 5);
  }

  /** The topmost shape under a container point: the last drawn wins, as the eye sees it. */
  #hitAt(container: L.Point): Hit | null {
    const layer = this.#map.containerPointToLayerPoint(container);
    const x = layer.x - this.#origin.x;
    const y = layer.y - this.#origin.y;
    for (let i = this.#hits.length - 1; i >= 0; i--) {
      const h = this.#hits[i]!;
      if ((h.at.x - x) ** 2 + (h.at.y - y) ** 2 <= h.radius ** 2) return h;
    }
    return null;
  }

  #onMouseMove = (e: L.LeafletMouseEvent): void => {
    const hit = this.#hitAt(e.containerPoint);
    this.#map.getContainer().style.cursor = hit ? 'pointer' : '';
    if (sameTarget(hit?.target ?? null, this.#hovered)) return;
    this.#hovered = hit?.target ?? null;
    this.#events.onHover(hit ? this.#hoverOf(hit) : null);
    this.requestDraw(true);
  };

  /** A hover anchored on the shape (not the mouse), so its tooltip stays put. */
  #hoverOf(hit: Hit): Hover {
    const corner = this.#map.containerPointToLayerPoint([0, 0]);
    return { target: hit.target, x: hit.at.x + this.#origin.x - corner.x, y: hit.at.y + this.#origin.y - corner.y };
  }

  #clearHover = (): void => {
    if (this.#hovered === null) return;
    this.#hovered = null;
    this.#map.getContainer().style.cursor = '';
    this.#events.onHover(null);
    this.requestDraw(true);
  };

  #onClick = (e: L.LeafletMouseEvent): void => {
    const hit = this.#hitAt(e.containerPoint);
    if (hit?.target.kind === 'device') this.#events.onSelect(hit.target.id);
    else if (hit?.target.kind === 'cluster' && this.#index) {
      const zoom = Math.min(this.#index.expansionZoom(hit.target.cluster.id), this.#map.getMaxZoom());
      this.#map.setView([hit.target.cluster.lat, hit.target.cluster.lng], zoom);
    }
  };
}

function sameTarget(a: MapTarget | null, b: MapTarget | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.kind === 'device') return b.kind === 'device' && a.id === b.id;
  return b.kind === 'cluster' && a.cluster.id === b.cluster.id;
}

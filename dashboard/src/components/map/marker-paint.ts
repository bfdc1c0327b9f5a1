/**
 * How markers look on the canvas: rooms as dots, substations as dark-edged squares a size up,
 * clusters as discs in their worst state's colour labelled "total · how many in that state".
 * Drawing only; where things go and what they mean is decided by the caller.
 */
import { MARKER_COLOURS, type MarkerState } from '../../state/marker-state.ts';
import type { ClusterSummary } from './fleet-index.ts';

export const ROOM_RADIUS = 6;
export const SUBSTATION_HALF = 8;

/** Many substations in view (a whole city): smaller squares, so the clusters stay readable. */
export function substationHalf(inView: number): number {
  return inView > 150 ? 4.5 : inView > 50 ? 6 : SUBSTATION_HALF;
}
const OUTLINE_DARK = '#101828';
const LABEL_FONT = '600 11px system-ui, sans-serif';

export interface Point {
  x: number;
  y: number;
}

/** "128 · 3": 128 rooms, 3 of them in the cluster's colour; a quiet cluster shows its size only. */
export function clusterLabel(c: Pick<ClusterSummary, 'total' | 'worst' | 'worstCount'>): string {
  return c.worst === 'ok' || c.worst === 'noData' ? String(c.total) : `${c.total} · ${c.worstCount}`;
}

/** Dark text on the light fills (green, amber, grey), white on the rest: WCAG relative luminance. */
export function labelColour(fill: string): string {
  const channel = (i: number) => {
    const c = parseInt(fill.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
  return luminance > 0.3 ? OUTLINE_DARK : '#ffffff';
}

/**
 * Rooms that land on the same pixel (two sensors in one flat share its coordinates) fanned out on
 * a small ring, so each can still be hovered and clicked at the last zoom.
 */
export function spreadOverlaps(points: Point[], within = 4): Point[] {
  const groups = new Map<string, number[]>();
  points.forEach((p, i) => {
    const key = `${Math.round(p.x / within)},${Math.round(p.y / within)}`;
    const group = groups.get(key);
    if (group) group.push(i);
    else groups.set(key, [i]);
  });
  const out = points.map((p) => ({ ...p }));
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const radius = ROOM_RADIUS * 1.6 + 2 * group.length;
    const centre = points[group[0]!]!;
    group.forEach((i, k) => {
      const angle = (2 * Math.PI * k) / group.length - Math.PI / 2;
      out[i] = { x: centre.x + radius * Math.cos(angle), y: centre.y + radius * Math.sin(angle) };
    });
  }
  return out;
}

export function paintRoom(ctx: CanvasRenderingContext2D, p: Point, state: MarkerState): void {
  ctx.beginPath();
  ctx.arc(p.x, p.y, ROOM_RADIUS, 0, 2 * Math.PI);
  ctx.fillStyle = MARKER_COLOURS[state];
  ctx.fill();
  ctx.lineWidth = 1.5;
  ctx.strokeStyle = '#ffffff';
  ctx.stroke();
}

export function paintSubstation(ctx: CanvasRenderingContext2D, p: Point, state: MarkerState, s: number): void {
  ctx.fillStyle = MARKER_COLOURS[state];
  ctx.fillRect(p.x - s, p.y - s, 2 * s, 2 * s);
  ctx.lineWidth = s > 5 ? 2.5 : 1.8;
  ctx.strokeStyle = OUTLINE_DARK;
  ctx.strokeRect(p.x - s, p.y - s, 2 * s, 2 * s);
}

/** A cluster's disc, in its worst state's colour; returns its radius (for hit testing). */
export function paintClusterDisc(ctx: CanvasRenderingContext2D, p: Point, c: ClusterSummary): number {
  ctx.font = LABEL_FONT;
  const radius = Math.max(13, ctx.measureText(clusterLabel(c)).width / 2 + 7, 9 + 2.2 * Math.log2(c.total));
  const fill = MARKER_COLOURS[c.worst];
  ctx.beginPath();
  ctx.arc(p.x, p.y, radius + 3, 0, 2 * Math.PI);
  ctx.fillStyle = `${fill}55`;
  ctx.fill();
  ctx.beginPath();
  ctx.arc(p.x, p.y, radius, 0, 2 * Math.PI);
  ctx.fillStyle = fill;
  ctx.fill();
  ctx.lineWidth = 1.5;
  ctx.strokeStyle = '#ffffff';
  ctx.stroke();
  return radius + 3;
}

/** A cluster's counts, painted after the substations so no square hides them. */
export function paintClusterLabel(ctx: CanvasRenderingContext2D, p: Point, c: ClusterSummary): void {
  const fill = MARKER_COLOURS[c.worst];
  const label = clusterLabel(c);
  ctx.font = LABEL_FONT;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  // A halo in the disc's colour keeps the digits legible over a square beneath.
  ctx.lineWidth = 3;
  ctx.lineJoin = 'round';
  ctx.strokeStyle = fill;
  ctx.strokeText(label, p.x, p.y + 0.5);
  ctx.fillStyle = labelColour(fill);
  ctx.fillText(label, p.x, p.y + 0.5);
}

/** The selected device: a dark ring around it, whatever it is drawn inside of. */
export function paintSelection(ctx: CanvasRenderingContext2D, p: Point, radius: number): void {
  ctx.beginPath();
  ctx.arc(p.x, p.y, radius, 0, 2 * Math.PI);
  ctx.lineWidth = 3;
  ctx.strokeStyle = '#ffffff';
  ctx.stroke();
  ctx.lineWidth = 2;
  ctx.strokeStyle = OUTLINE_DARK;
  ctx.stroke();
}

/** A hovered substation's feeds: a line to each of its rooms and a ring around each room. */
export function paintFeeds(ctx: CanvasRenderingContext2D, from: Point, rooms: Point[]): void {
  ctx.lineWidth = 1.2;
  ctx.strokeStyle = 'rgb(20 89 127 / 55%)';
  ctx.beginPath();
  for (const r of rooms) {
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(r.x, r.y);
  }
  ctx.stroke();
  ctx.lineWidth = 2;
  ctx.strokeStyle = '#14597f';
  for (const r of rooms) {
    ctx.beginPath();
    ctx.arc(r.x, r.y, ROOM_RADIUS + 3, 0, 2 * Math.PI);
    ctx.stroke();
  }
}

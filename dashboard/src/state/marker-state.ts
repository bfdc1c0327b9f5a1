/**
 * What colour a device is on the map (issue 5): the worst of its conditions, and for a cluster
 * the worst inside it. Pure, so the map, the legend and the tests agree on one definition.
 */
import type { DeviceView } from '../../../ingest/contracts/devices.ts';
import type { MessageKey } from '../lib/i18n/i18n.svelte.ts';

/** Worst first: a ticket needs a person, a cold room needs a ticket soon, offline hides both. */
export const MARKER_STATES = ['ticket', 'cold', 'offline', 'dataQuality', 'ok', 'noData'] as const;
export type MarkerState = (typeof MARKER_STATES)[number];

export const MARKER_COLOURS: Record<MarkerState, string> = {
  ticket: '#d92d20',
  cold: '#f79009',
  offline: '#667085',
  dataQuality: '#7a5af8',
  ok: '#12b76a',
  noData: '#d0d5dd',
};

/** A data-quality flag colours the device while it is this recent (its newest reading's time). */
export const DATA_QUALITY_FRESH_MS = 60 * 60_000;

export const severity = (s: MarkerState): number => MARKER_STATES.indexOf(s);

/**
 * `roomLowC`: the server's room threshold (服务承诺 二.1(2), GET /api/rules); NaN while unknown,
 * which makes no room cold rather than guessing a number.
 */
export function markerState(d: DeviceView, hasOpenTicket: boolean, roomLowC: number): MarkerState {
  if (hasOpenTicket) return 'ticket';
  if (d.kind === 'room' && d.lastReading?.values.temp !== undefined && d.lastReading.values.temp < roomLowC) return 'cold';
  // Never heard from: nothing to say yet (provisioned, not installed); not an alarm.
  if (d.lastReading === null && d.lastSeenAt === null) return 'noData';
  if (!d.online) return 'offline';
  if (d.dataQuality !== null) {
    const newest = d.lastReading ? Date.parse(d.lastReading.ts) : Number.NEGATIVE_INFINITY;
    if (newest - Date.parse(d.dataQuality.at) < DATA_QUALITY_FRESH_MS) return 'dataQuality';
  }
  return 'ok';
}

/** A state's name for the legend, tooltips and panels; "cold" says the server's threshold. */
export function stateName(t: (key: MessageKey, vars?: Record<string, string | number>) => string, state: MarkerState, roomLowC: number): string {
  return t(`state.${state}`, { value: Number.isNaN(roomLowC) ? '—' : roomLowC });
}

/** The worst of two states. */
export const worse = (a: MarkerState, b: MarkerState): MarkerState => (severity(a) <= severity(b) ? a : b);

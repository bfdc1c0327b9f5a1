/**
 * socket.io contract (DESIGN.md §5 "Live"). Connect with `auth: {token}` (the bearer token
 * from POST /api/login). A refused handshake ends with a connect_error whose message is an
 * AppError code (HW_UNAUTHENTICATED).
 */
import type { DeviceLive, DeviceView } from './devices.ts';
import type { FieldName } from './payloads.ts';
import type { Ticket } from './tickets.ts';
import type { DeviceKind } from './topics.ts';

export interface LiveReading {
  deviceId: string;
  kind: DeviceKind;
  /** ISO 8601 event time. */
  ts: string;
  values: Partial<Record<FieldName, number>>;
}

/**
 * Which sheet changed, and no more: every role receives every event, but the sheet names callers
 * and their numbers, so it is read from the API by the roles allowed to.
 */
export interface HandoverChange {
  id: number;
  acknowledged: boolean;
}

export interface ServerToClientEvents {
  /**
   * The newest reading of every device that reported since the last push, coalesced per
   * device and pushed at most every HEATWATCH_LIVE_INTERVAL_MS (50 ms): an array, so 2 000
   * readings/s cost a browser 20 messages/s, not 2 000.
   */
  reading: (readings: LiveReading[]) => void;
  /** A device was provisioned, or came online, or went offline. */
  device: (device: DeviceView) => void;
  /** A ticket was opened or changed (any step, a recovery, a link under a substation ticket). */
  ticket: (ticket: Ticket) => void;
  /** A handover sheet (交接班) was produced or taken over: the dispatchers' cue to look. */
  handover: (change: HandoverChange) => void;
  /** Sent just before the server closes a socket whose login expired or was logged out. */
  session_expired: () => void;
}

export type ClientToServerEvents = Record<string, never>;

/**
 * What one node learnt of a device that the other nodes' device lists need (several nodes, with
 * Redis): the readings it took (each node takes its share of them), a connection it saw come or
 * go, a data-quality flag it raised. Between servers only, never to a browser.
 */
export type PresenceNews =
  | { kind: 'readings'; readings: LiveReading[] }
  | { kind: 'online'; deviceId: string; online: boolean }
  | { kind: 'quality'; deviceId: string; quality: DeviceLive['dataQuality'] };

export interface ServerToServerEvents {
  presence: (news: PresenceNews) => void;
}

/**
 * The typed socket.io link to the live hub, opened after login. It reports its state for the
 * banner, hands events to the stores, and after a drop asks for a resync (devices and tickets
 * reloaded from the API) so nothing missed while disconnected stays missing.
 */
import { io, type Socket } from 'socket.io-client';
import type { DeviceView } from '../../../../ingest/contracts/devices.ts';
import type { ClientToServerEvents, HandoverChange, LiveReading, ServerToClientEvents } from '../../../../ingest/contracts/events.ts';
import type { Ticket } from '../../../../ingest/contracts/tickets.ts';

export type LiveStatus = 'connecting' | 'connected' | 'disconnected';

export interface LiveHandlers {
  readings(list: LiveReading[]): void;
  device(d: DeviceView): void;
  ticket(t: Ticket): void;
  /** A handover sheet was produced or taken over (which one only: the API says the rest). */
  handover(change: HandoverChange): void;
  /** Connected again after a drop: reload what may have been missed. */
  resync(): Promise<void>;
  /** The server ended the login (expired, logged out elsewhere, or refused the token). */
  sessionEnded(): void;
}

export class LiveConnection {
  status = $state<LiveStatus>('connecting');
  /** When the link last dropped; null while connected. */
  since = $state<number | null>(null);
  #socket: Socket<ServerToClientEvents, ClientToServerEvents> | null = null;
  #everConnected = false;

  open(token: string, on: LiveHandlers, url?: string): void {
    this.close();
    this.status = 'connecting';
    this.#everConnected = false;
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = url
      ? io(url, { auth: { token }, transports: ['websocket'] })
      : io({ auth: { token }, transports: ['websocket'] });
    this.#socket = socket;
    socket.on('connect', () => {
      const wasDown = this.#everConnected;
      this.#everConnected = true;
      this.status = 'connected';
      this.since = null;
      if (wasDown) void on.resync();
    });
    socket.on('disconnect', (reason) => {
      this.status = 'disconnected';
      this.since ??= Date.now();
      // The server closed it on purpose (logout, expiry): socket.io does not retry that.
      if (reason === 'io server disconnect') socket.connect();
    });
    socket.on('connect_error', (err) => {
      if (err.message === 'HW_UNAUTHENTICATED') {
        this.close();
        on.sessionEnded();
        return;
      }
      this.status = 'disconnected';
      this.since ??= Date.now();
    });
    socket.on('session_expired', () => {
      this.close();
      on.sessionEnded();
    });
    socket.on('reading', (list) => on.readings(list));
    socket.on('device', (d) => on.device(d));
    socket.on('ticket', (t) => on.ticket(t));
    socket.on('handover', (change) => on.handover(change));
  }

  close(): void {
    this.#socket?.removeAllListeners();
    this.#socket?.disconnect();
    this.#socket = null;
  }
}

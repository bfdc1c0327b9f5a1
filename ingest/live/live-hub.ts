/**
 * Live push to dashboards over socket.io, authenticated with the login token. Readings are
 * coalesced per device and flushed on a short timer so a burst of thousands per second stays
 * a steady trickle of small messages for every browser.
 */
import type { Server as HttpServer } from 'node:http';
import { Server, type ServerOptions } from 'socket.io';
import type { DeviceView } from '../contracts/devices.ts';
import type { ClientToServerEvents, LiveReading, PresenceNews, ServerToClientEvents, ServerToServerEvents } from '../contracts/events.ts';
import type { Handover } from '../contracts/handovers.ts';
import type { Reading } from '../contracts/payloads.ts';
import { isRestrictedType, mayReadTicket, type Ticket } from '../contracts/tickets.ts';
import type { AuthService } from '../services/auth-service.ts';

export interface LiveHubDeps {
  http: HttpServer;
  auth: Pick<AuthService, 'verify' | 'onSessionEnded'>;
  intervalMs: number;
  onClientCount?: (n: number) => void;
  /** Broadcasts through Redis to every node's clients (redis-adapter.ts). */
  adapter?: ServerOptions['adapter'];
}

interface SocketData {
  expiresAt: number;
  tokenDigest: string;
  role: string;
}

/** The room of the sockets that may read every ticket, complaints about staff included. */
const DISPATCH_ROOM = 'dispatch';

export function createLiveHub({ http, auth, intervalMs, onClientCount, adapter }: LiveHubDeps) {
  const io = new Server<ClientToServerEvents, ServerToClientEvents, ServerToServerEvents, SocketData>(http, {
    serveClient: false,
    // MQTT over WebSocket shares this HTTP server at /mqtt: leave other upgrades alone.
    destroyUpgrade: false,
    cors: { origin: false },
    ...(adapter ? { adapter } : {}),
  });

  io.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown }).token;
    if (typeof token !== 'string') return next(new Error('HW_UNAUTHENTICATED'));
    auth.verify(token).then(
      (session) => {
        if (!session) return next(new Error('HW_UNAUTHENTICATED'));
        socket.data.expiresAt = session.expiresAt;
        socket.data.tokenDigest = session.tokenDigest;
        socket.data.role = session.role;
        next();
      },
      (err: Error) => next(err),
    );
  });
  // A session ended here closes its sockets on every node (the room reaches them through the adapter).
  const sessionRoom = (digest: string) => `session:${digest}`;
  auth.onSessionEnded((digest) => {
    io.to(sessionRoom(digest)).emit('session_expired');
    io.in(sessionRoom(digest)).disconnectSockets(true);
  });
  io.on('connection', (socket) => {
    void socket.join(sessionRoom(socket.data.tokenDigest));
    if (mayReadTicket(socket.data.role, { type: 'staff_complaint' })) void socket.join(DISPATCH_ROOM);
    onClientCount?.(io.engine.clientsCount);
    socket.on('disconnect', () => onClientCount?.(io.engine.clientsCount));
  });

  // With other nodes (an adapter), their dashboards and device lists want this node's readings
  // whether or not a dashboard is connected here.
  const peers = adapter !== undefined;
  let pending = new Map<string, LiveReading>();
  const flusher = setInterval(() => {
    if (pending.size === 0) return;
    const batch = [...pending.values()];
    pending = new Map();
    io.emit('reading', batch);
    if (peers) io.serverSideEmit('presence', { kind: 'readings', readings: batch });
  }, intervalMs);
  const expiry = setInterval(() => {
    const now = Date.now();
    for (const socket of io.sockets.sockets.values()) {
      if (socket.data.expiresAt <= now) {
        socket.emit('session_expired');
        socket.disconnect(true);
      }
    }
  }, 30_000);

  return {
    publishReadings(readings: readonly Reading[]): void {
      if (!peers && io.engine.clientsCount === 0) return;
      for (const r of readings) {
        const prev = pending.get(r.deviceId);
        if (prev && Date.parse(prev.ts) > r.ts) continue;
        pending.set(r.deviceId, { deviceId: r.deviceId, kind: r.kind, ts: new Date(r.ts).toISOString(), values: r.values });
      }
    },
    publishDevice(device: DeviceView): void {
      io.emit('device', device);
    },
    publishTicket(ticket: Ticket): void {
      // 一.5: a complaint about staff reaches dispatch's screens only.
      if (isRestrictedType(ticket.type)) io.to(DISPATCH_ROOM).emit('ticket', ticket);
      else io.emit('ticket', ticket);
    },
    /** Tells the other nodes (none without Redis) what this one learnt of a device. */
    tellPeers(news: PresenceNews): void {
      if (peers) io.serverSideEmit('presence', news);
    },
    /** What the other nodes learnt of their devices; this node's own news does not come back. */
    onPeerNews(listener: (news: PresenceNews) => void): void {
      io.on('presence', listener);
    },
    publishHandover(h: Handover): void {
      io.emit('handover', { id: h.id, acknowledged: h.acknowledgedAt !== null });
    },
    async close(): Promise<void> {
      clearInterval(flusher);
      clearInterval(expiry);
      io.disconnectSockets(true);
      // io.close() would also close the shared HTTP server; Fastify owns that.
      io.engine.close();
    },
  };
}

export type LiveHub = ReturnType<typeof createLiveHub>;

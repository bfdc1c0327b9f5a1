/**
 * Socket-level limits on the HTTP port, below anything Fastify sees: how many connections one
 * address may hold open, and an answer for every WebSocket upgrade that nobody serves (left
 * alone, such a socket would stay open until the client gives up).
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** Refuses a new connection from an address that already holds `max` open ones. */
export function limitConnectionsPerAddress(server: Server, max: number): void {
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '?';
    const n = open.get(address) ?? 0;
    if (n >= max) {
      socket.destroy();
      return;
    }
    open.set(address, n + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
}

/**
 * Answers and closes an upgrade to any path but `served` (the MQTT and socket.io endpoints,
 * whose own listeners take theirs). Runs after them: listeners are called in order.
 */
export function refuseUnservedUpgrades(server: Server, served: (pathname: string) => boolean): void {
  server.on('upgrade', (req, socket: Duplex) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (served(pathname)) return;
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
}

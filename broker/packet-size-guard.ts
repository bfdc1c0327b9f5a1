/**
 * MQTT lets a packet announce up to 256 MiB in its fixed header, and the parser buffers until
 * that much has arrived — before the CONNECT is even authenticated. This reads each packet's
 * announced length as the bytes pass and cuts the connection when one is larger than any packet
 * HeatWatch takes (the payload limit plus room for topic and header), so nobody can make the
 * broker hold memory it will refuse anyway. [MQTT-2.2.3] Remaining Length: 1–4 bytes, 7 bits each.
 */
import type { Duplex } from 'node:stream';

interface GuardState {
  /** Bytes of the current packet's body still to pass through. */
  remaining: number;
  /** Fixed-header bytes of the next packet read so far (type byte and length bytes). */
  header: number[];
}

/** Steps the guard over `chunk`; returns false when a packet is too large or malformed. */
export function checkPacketSizes(state: GuardState, chunk: Uint8Array, maxPacketBytes: number): boolean {
  let i = 0;
  while (i < chunk.length) {
    if (state.remaining > 0) {
      const take = Math.min(state.remaining, chunk.length - i);
      state.remaining -= take;
      i += take;
      continue;
    }
    state.header.push(chunk[i++]!);
    if (state.header.length === 1) continue; // the packet type byte
    const lengthBytes = state.header.slice(1);
    const last = lengthBytes[lengthBytes.length - 1]!;
    if (last & 0x80) {
      if (lengthBytes.length === 4) return false; // [MQTT-1.5.5] at most four length bytes
      continue;
    }
    const length = lengthBytes.reduce((sum, b, k) => sum + (b & 0x7f) * 128 ** k, 0);
    if (length > maxPacketBytes) return false;
    state.remaining = length;
    state.header = [];
  }
  return true;
}

/**
 * Checks every chunk aedes reads from `conn` (it reads with `conn.read()` on 'readable') and
 * destroys the connection on the first packet over `maxPacketBytes`, before the parser sees it.
 * The connection itself is returned, with its `read` wrapped: no stream in between, so the
 * PUBACKs written back reach the socket as aedes corks them — one write for a batch's worth —
 * and no chunk is copied through a second stream's buffer.
 */
export function limitPacketSize<T extends Duplex>(conn: T, maxPacketBytes: number, onRefused?: () => void): T {
  const state: GuardState = { remaining: 0, header: [] };
  const read = conn.read.bind(conn);
  conn.read = (size?: number) => {
    const chunk = read(size) as Buffer | null;
    if (chunk !== null && !checkPacketSizes(state, chunk, maxPacketBytes)) {
      onRefused?.();
      conn.destroy();
      return null;
    }
    return chunk;
  };
  return conn;
}

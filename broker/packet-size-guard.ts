/**
 * MQTT lets a packet announce up to 256 MiB in its fixed header, and the parser buffers until
 * that much has arrived — before the CONNECT is even authenticated. This reads each packet's
 * announced length as the bytes pass and cuts the connection when one is larger than any packet
 * HeatWatch takes (the payload limit plus room for topic and header), so nobody can make the
 * broker hold memory it will refuse anyway. [MQTT-2.2.3] Remaining Length: 1–4 bytes, 7 bits each.
 */
import { Duplex } from 'node:stream';

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

export interface GuardedConnection extends Duplex {
  remoteAddress?: string;
}

/**
 * A duplex in front of `conn` that passes everything both ways and destroys the connection on
 * the first packet over `maxPacketBytes`. Keeps the peer's address for logs and throttles.
 */
export function limitPacketSize(conn: Duplex & { remoteAddress?: string }, maxPacketBytes: number, onRefused?: () => void): GuardedConnection {
  const state: GuardState = { remaining: 0, header: [] };
  const guarded: GuardedConnection = new Duplex({
    read() {
      conn.resume();
    },
    write(chunk: Buffer, _encoding, done) {
      conn.write(chunk, done);
    },
    final(done) {
      conn.end(done);
    },
    destroy(err, done) {
      conn.destroy(err ?? undefined);
      done(err);
    },
  });
  guarded.remoteAddress = conn.remoteAddress;
  conn.on('data', (chunk: Buffer) => {
    if (!checkPacketSizes(state, chunk, maxPacketBytes)) {
      onRefused?.();
      conn.destroy();
      return;
    }
    if (!guarded.push(chunk)) conn.pause();
  });
  conn.on('end', () => guarded.push(null));
  conn.on('close', () => guarded.destroy());
  conn.on('error', (err) => guarded.destroy(err));
  return guarded;
}

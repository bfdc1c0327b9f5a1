/**
 * The bench's load generator, in its own process so it does not share a core with the server
 * it measures. It speaks MQTT 3.1.1 over raw sockets with pre-encoded packets: a full mqtt.js
 * client per device spends more CPU per message than the broker under test, and would
 * measure itself instead of the server.
 */
import net from 'node:net';
import mqttPacket from 'mqtt-packet';

export interface LoadJob {
  url: string;
  devices: { id: string; kind: 'room'; password?: string }[];
  seconds: number;
  /** QoS 1 messages kept in flight per connection. */
  window: number;
  /** Readings per message: 1, or a store-and-forward array. */
  batch: number;
  /** Event time of each device's first reading; later runs on the same devices start later. */
  startTs: number;
  /**
   * Messages per device, then it stops (the run ends when all have been acknowledged, or at
   * `seconds`): a fixed amount, for a broker that acknowledges faster than HeatWatch stores and
   * would otherwise queue past its limit.
   */
  perDevice?: number;
}

export interface LoadResult {
  connected: number;
  acked: number;
  readings: number;
  seconds: number;
  failedConnections: number;
}

const PUBACK = 4;
const CONNACK = 2;

/**
 * The `n`-th to `n + batch - 1`-th readings of one device: a second apart from `start`, in order,
 * the temperature drifting slowly around 20.5 °C — what a healthy room sends, so the rules work
 * as they would in the field (no replay of out-of-order readings, no ticket per message).
 */
function payload(batch: number, start: number, n: number): string {
  const items = [];
  for (let i = 0; i < batch; i++) {
    const k = n + i;
    items.push(`{"ts":${start + k * 1000},"temp":${(20.5 + 0.1 * (Math.floor(k / 60) % 5)).toFixed(1)}}`);
  }
  return batch === 1 ? items[0]! : `[${items.join(',')}]`;
}

/**
 * A QoS 1 PUBLISH, encoded by hand: mqtt-packet's generic `generate` costs more per message than
 * the broker under test spends on it, and the generator would measure itself.
 */
function publishPacket(topic: Buffer, messageId: number, body: string): Buffer {
  const payloadBytes = Buffer.byteLength(body);
  const remaining = 2 + topic.length + 2 + payloadBytes;
  const lengthBytes = remaining < 128 ? 1 : remaining < 16_384 ? 2 : 3;
  const packet = Buffer.allocUnsafe(1 + lengthBytes + remaining);
  packet[0] = 0x32; // PUBLISH, QoS 1
  let at = 1;
  for (let n = remaining; ; ) {
    const digit = n % 128;
    n = Math.floor(n / 128);
    packet[at++] = n > 0 ? digit | 0x80 : digit;
    if (n === 0) break;
  }
  packet.writeUInt16BE(topic.length, at);
  topic.copy(packet, at + 2);
  at += 2 + topic.length;
  packet.writeUInt16BE(messageId, at);
  packet.write(body, at + 2);
  return packet;
}

/**
 * Splits a byte stream into MQTT control packet types (first nibble), calling back per packet,
 * and `afterChunk` once the chunk is read (to answer a chunk's packets in one write).
 */
function packetReader(onPacket: (type: number, body: Buffer) => void, afterChunk: () => void = () => undefined) {
  let pending: Buffer = Buffer.alloc(0);
  return (chunk: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    let offset = 0;
    for (;;) {
      if (pending.length - offset < 2) break;
      let length = 0;
      let multiplier = 1;
      let i = offset + 1;
      let complete = false;
      for (; i < pending.length && i < offset + 5; i++) {
        length += (pending[i]! & 0x7f) * multiplier;
        multiplier *= 128;
        if ((pending[i]! & 0x80) === 0) {
          complete = true;
          i++;
          break;
        }
      }
      if (!complete || pending.length - i < length) break;
      onPacket(pending[offset]! >> 4, pending.subarray(i, i + length));
      offset = i + length;
    }
    pending = pending.subarray(offset);
    afterChunk();
  };
}

interface Connection {
  socket: net.Socket;
  deviceId: string;
  onPacket: (type: number, body: Buffer) => void;
  afterChunk: () => void;
}

function connect(url: string, device: LoadJob['devices'][number]): Promise<Connection> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    socket.setNoDelay(true);
    const conn: Connection = { socket, deviceId: device.id, onPacket: () => undefined, afterChunk: () => undefined };
    const timer = setTimeout(() => reject(new Error('connect timeout')), 60_000);
    conn.onPacket = (type, body) => {
      if (type !== CONNACK) return;
      clearTimeout(timer);
      if (body[1] === 0) resolve(conn);
      else {
        socket.destroy();
        reject(new Error(`CONNACK ${body[1]}`));
      }
    };
    socket.on(
      'data',
      packetReader(
        (type, body) => conn.onPacket(type, body),
        () => conn.afterChunk(),
      ),
    );
    socket.on('error', reject);
    socket.write(
      mqttPacket.generate({
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 4,
        clean: true,
        clientId: `bench-${device.id}`,
        keepalive: 0,
        username: device.password ? device.id : undefined,
        password: device.password ? Buffer.from(device.password) : undefined,
      }),
    );
  });
}

async function connectAll(job: LoadJob): Promise<{ connections: Connection[]; failed: number }> {
  const connections: Connection[] = [];
  let failed = 0;
  for (let i = 0; i < job.devices.length; i += 200) {
    await Promise.all(
      job.devices.slice(i, i + 200).map((d) =>
        connect(job.url, d).then(
          (c) => void connections.push(c),
          () => void failed++,
        ),
      ),
    );
  }
  return { connections, failed };
}

export async function runLoad(job: LoadJob): Promise<LoadResult> {
  const { connections, failed } = await connectAll(job);
  let acked = 0;
  let running = true;
  const start = job.startTs;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    let inflight = 0;
    // Connections that sent their `perDevice` messages and had them all acknowledged.
    let finished = 0;
    const cap = job.perDevice ?? Infinity;
    for (const c of connections) {
      let messageId = 0;
      let sent = 0;
      let messages = 0;
      let outstanding = 0;
      // Acknowledged in the chunk being read: as many new messages go out in one write after it.
      let freed = 0;
      const topic = Buffer.from(`heat/room/${c.deviceId}/telemetry`);
      const publish = (wanted: number) => {
        const n = Math.min(wanted, cap - messages);
        if (n <= 0) return;
        messages += n;
        outstanding += n;
        inflight += n;
        const packets: Buffer[] = [];
        for (let k = 0; k < n; k++) {
          messageId = (messageId % 65535) + 1;
          packets.push(publishPacket(topic, messageId, payload(job.batch, start, sent)));
          sent += job.batch;
        }
        c.socket.write(packets.length === 1 ? packets[0]! : Buffer.concat(packets));
      };
      c.onPacket = (type) => {
        if (type !== PUBACK) return;
        acked++;
        inflight--;
        outstanding--;
        freed++;
      };
      c.afterChunk = () => {
        if (freed === 0) return;
        const n = freed;
        freed = 0;
        if (running && messages < cap) publish(n);
        else if (!running && inflight === 0) resolve();
        else if (messages >= cap && outstanding === 0 && ++finished === connections.length) resolve();
      };
      c.socket.on('close', () => {
        if (!running && inflight === 0) resolve();
      });
      publish(job.window);
    }
    setTimeout(() => {
      running = false;
      // Whatever is still unacknowledged after 10 s more is reported as such.
      setTimeout(resolve, 10_000);
    }, job.seconds * 1000);
  });
  const seconds = (performance.now() - started) / 1000;
  for (const c of connections) c.socket.end(mqttPacket.generate({ cmd: 'disconnect' }));
  return { connected: connections.length, acked, readings: acked * job.batch, seconds, failedConnections: failed };
}

export interface FloodJob {
  url: string;
  seconds: number;
  /** Well-behaved room sensors: one QoS 1 reading each every `calmEveryMs`, staggered. */
  calm: { id: string; password: string }[];
  calmEveryMs: number;
  /** Substation controllers gone wrong: QoS 1 as fast as TCP allows, reconnecting at once when cut off. */
  flooders: { id: string; password: string }[];
}

export interface FloodResult {
  calmSent: number;
  calmAcked: number;
  /** PUBACK latency of the calm devices' readings, ms. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  flooderMessages: number;
  /** Connections the flooders got, and CONNECTs refused (held off after a cut-off). */
  flooderConnects: number;
  flooderRefused: number;
}

/** 1 000 calm sensors beside 100 flooders: do the calm ones still get their PUBACKs in time? */
export async function runFlood(job: FloodJob): Promise<FloodResult> {
  const { connections: calm } = job.calm.length === 0 ? { connections: [] } : await connectAll({ url: job.url, devices: job.calm.map((d) => ({ ...d, kind: 'room' as const })), seconds: 0, window: 0, batch: 1, startTs: 0 });
  const latencies: number[] = [];
  let calmSent = 0;
  let running = true;
  const timers: NodeJS.Timeout[] = [];
  const start = Date.now() - 3_600_000;
  for (const [i, c] of calm.entries()) {
    const topic = Buffer.from(`heat/room/${c.deviceId}/telemetry`);
    const sentAt = new Map<number, number>();
    let messageId = 0;
    let n = 0;
    c.onPacket = (type, body) => {
      if (type !== PUBACK) return;
      const id = body.readUInt16BE(0);
      const at = sentAt.get(id);
      if (at === undefined) return;
      sentAt.delete(id);
      latencies.push(performance.now() - at);
    };
    const send = () => {
      if (!running) return;
      messageId = (messageId % 65535) + 1;
      sentAt.set(messageId, performance.now());
      c.socket.write(publishPacket(topic, messageId, `{"ts":${start + n++ * 1000},"temp":20.5}`));
      calmSent++;
    };
    // Staggered over the interval, as a fleet's clocks are.
    timers.push(setTimeout(() => (send(), timers.push(setInterval(send, job.calmEveryMs))), (i * job.calmEveryMs) / calm.length));
  }

  let flooderMessages = 0;
  let flooderConnects = 0;
  let flooderRefused = 0;
  const floodPayload = (k: number) => `{"ts":${start + k},"supplyTemp":95,"returnTemp":55}`;
  const flood = async (device: { id: string; password: string }) => {
    const topic = Buffer.from(`heat/substation/${device.id}/telemetry`);
    let k = 0;
    while (running) {
      let conn: Connection;
      try {
        conn = await connect(job.url, { ...device, kind: 'room' });
      } catch {
        flooderRefused++;
        await new Promise((r) => setImmediate(r));
        continue;
      }
      flooderConnects++;
      let messageId = 0;
      await new Promise<void>((resolve) => {
        const pump = () => {
          while (running && !conn.socket.destroyed) {
            const packets: Buffer[] = [];
            for (let j = 0; j < 100; j++) {
              messageId = (messageId % 65535) + 1;
              packets.push(publishPacket(topic, messageId, floodPayload(k++)));
            }
            flooderMessages += 100;
            if (!conn.socket.write(Buffer.concat(packets))) return;
          }
        };
        conn.socket.on('drain', pump);
        conn.socket.once('close', () => resolve());
        conn.socket.on('error', () => undefined);
        pump();
        const stop = setInterval(() => !running && (conn.socket.destroy(), clearInterval(stop)), 100);
        conn.socket.once('close', () => clearInterval(stop));
      });
    }
  };
  const flooding = Promise.all(job.flooders.map(flood));
  await new Promise((r) => setTimeout(r, job.seconds * 1000));
  running = false;
  for (const t of timers) clearTimeout(t);
  await flooding;
  // What is still unacknowledged gets 2 s more.
  await new Promise((r) => setTimeout(r, 2000));
  for (const c of calm) c.socket.end(mqttPacket.generate({ cmd: 'disconnect' }));
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Infinity);
  return { calmSent, calmAcked: latencies.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: Math.round(latencies.at(-1) ?? Infinity), flooderMessages, flooderConnects, flooderRefused };
}

/** Connects every device and holds the connections until told to release them (memory figure). */
async function hold(job: LoadJob): Promise<void> {
  const { connections, failed } = await connectAll(job);
  process.send?.({ type: 'connected', connected: connections.length, failed });
  process.once('message', () => {
    for (const c of connections) c.socket.end(mqttPacket.generate({ cmd: 'disconnect' }));
    process.send?.({ type: 'released' });
  });
}

process.on('message', (msg: { type: 'run' | 'hold'; job: LoadJob } | { type: 'flood'; job: FloodJob }) => {
  if (msg.type === 'flood') return void runFlood(msg.job).then((result) => process.send?.({ type: 'result', result }));
  if (msg.type === 'run') void runLoad(msg.job).then((result) => process.send?.({ type: 'result', result }));
  if (msg.type === 'hold') void hold(msg.job);
});

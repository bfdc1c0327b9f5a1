/**
 * The MQTT front door: aedes with device authentication, a per-device ACL and a flood guard.
 * Deny by default — a device may publish only under heat/{kind}/{itsOwnId}/… and subscribe
 * only there; $SYS is reserved. In embedded mode telemetry is handed to ingest inside
 * authorizePublish, the one aedes hook that holds the PUBACK until it calls back, so a sensor's
 * QoS 1 reading is acknowledged only once it is durable (STACK.md, "Broker behaviour").
 */
import './quiet-packet-debug.ts';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { Aedes, type AuthenticateError, type Client, type PublishPacket, type Subscription } from 'aedes';
import type { Logger } from 'pino';
import { WebSocketServer, createWebSocketStream } from 'ws';
import { MAX_PAYLOAD_BYTES } from '../ingest/contracts/payloads.ts';
import { parseTopic, STATUS_OFFLINE, STATUS_ONLINE, telemetryTopic, TOPIC_ROOT, type DeviceKind, type TopicChannel } from '../ingest/contracts/topics.ts';
import type { DeviceRegistry } from '../ingest/ports/device-registry.ts';
import type { RejectionLog } from '../ingest/pipeline/rejection-log.ts';
import type { TelemetryIntake } from '../ingest/pipeline/telemetry-intake.ts';
import { DEVICE_SECRET_COST, decoy, verifySecret } from '../ingest/security/secrets.ts';
import { createLoginThrottle } from './login-throttle.ts';
import { limitPacketSize } from './packet-size-guard.ts';
import { TokenBucket } from './token-bucket.ts';

/**
 * The largest MQTT packet read at all. Payloads over MAX_PAYLOAD_BYTES (256 KiB) up to this are
 * refused and counted with the connection kept, as the contract says; a packet announcing more
 * is not buffered: the connection is closed (and counted) as soon as its header arrives.
 */
export const MAX_PACKET_BYTES = 4 * MAX_PAYLOAD_BYTES;

/** The account a separately running ingest uses to read a standalone broker. */
export const INGEST_ACCOUNT = 'heatwatch-ingest';

interface Identity {
  kind: 'device' | 'service';
  deviceId: string;
  deviceKind?: DeviceKind;
  bucket?: TokenBucket;
  /** The one topic a device's readings come on: compared, not parsed, for every message. */
  telemetryTopic?: string;
}

type HeatClient = Client & { heatwatch?: Identity };

export interface BrokerDeps {
  registry: Pick<DeviceRegistry, 'credentials'>;
  rejections: Pick<RejectionLog, 'record'>;
  /** Embedded mode: telemetry goes straight to ingest. Absent: the broker only relays. */
  intake?: TelemetryIntake;
  /** Standalone mode: scrypt hash of the ingest service account's password. */
  ingestPasswordHash?: string;
  rate: { perSecond: number; burst: number };
  logger: Logger;
  onPresence?: (deviceId: string, kind: DeviceKind, online: boolean) => void;
  clock?: () => number;
}

/** [MQTT-3.1.3-5] allows 23; the contract allows 128, on every protocol version. */
export const MAX_CLIENT_ID_LENGTH = 128;

/** Connections from one address that may wait to log in at once (a NAT's sensors reconnecting together fit). */
export const MAX_PENDING_PER_ADDRESS = 256;

/** The peer's address, over TCP or WebSocket. */
function addressOf(client: Client): string {
  const c = client as Client & { conn?: { remoteAddress?: string }; req?: { socket?: { remoteAddress?: string } } };
  return c.req?.socket?.remoteAddress ?? c.conn?.remoteAddress ?? 'unknown';
}

/** How long a flooder's cut-offs are remembered, and the longest hold-off they earn. */
const HOLD_OFF_MEMORY_MS = 10 * 60_000;
const HOLD_OFF_MAX_MS = 60_000;

function authError(returnCode: 2 | 3 | 4 | 5, message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

export async function createBroker(deps: BrokerDeps) {
  const { registry, rejections, intake, logger, rate, clock = Date.now } = deps;
  const connections = new Map<string, number>();
  const throttle = createLoginThrottle();
  // The flood guard belongs to the device, not to one of its connections: reconnecting does not refill it.
  const buckets = new Map<string, TokenBucket>();
  // A device cut off for flooding is held off for a while: its next CONNECTs are refused before
  // the secret is checked (an scrypt each), so a flooder that reconnects at once, in a loop,
  // costs the broker next to nothing. 1 s after the first cut-off, doubling with each one that
  // follows within 10 min, up to a minute.
  const heldOff = new Map<string, { until: number; strikes: number; at: number }>();
  const holdOff = (deviceId: string, now: number) => {
    const last = heldOff.get(deviceId);
    // The rest of the flood already in flight on the connection being cut: one strike.
    if (last && now < last.until) return;
    const strikes = last && now - last.at < HOLD_OFF_MEMORY_MS ? last.strikes + 1 : 1;
    heldOff.set(deviceId, { until: now + Math.min(HOLD_OFF_MAX_MS, 1000 * 2 ** (strikes - 1)), strikes, at: now });
  };

  async function authenticate(client: HeatClient, username: string | undefined, password: Buffer | undefined) {
    const address = addressOf(client);
    const user = (username ?? '').slice(0, 64);
    const hold = heldOff.get(user);
    if (hold && clock() < hold.until) {
      rejections.record(user, 'rate_limited', `reconnected ${Math.ceil((hold.until - clock()) / 1000)} s before the hold-off after flooding ends`);
      throw authError(3, 'held off after flooding: try again later');
    }
    if (throttle.blocked(address, user, clock())) {
      rejections.record(null, 'auth_throttled', `too many failed logins from ${address}${user ? ` as ${user}` : ''}`);
      throw authError(3, 'too many failed logins: try again later');
    }
    try {
      await checkCredentials(client, username, password);
    } catch (err) {
      throttle.failed(address, user, clock());
      throw err;
    }
  }

  async function checkCredentials(client: HeatClient, username: string | undefined, password: Buffer | undefined) {
    if (client.id.length > MAX_CLIENT_ID_LENGTH) {
      rejections.record(null, 'bad_client_id', `client id of ${client.id.length} characters (at most ${MAX_CLIENT_ID_LENGTH})`);
      throw authError(2, `client id longer than ${MAX_CLIENT_ID_LENGTH} characters`);
    }
    if (!username || !password) {
      rejections.record(null, 'auth_failed', 'connect without username or password');
      throw authError(4, 'username and password required');
    }
    const secret = password.toString('utf8');
    if (username === INGEST_ACCOUNT && deps.ingestPasswordHash) {
      if (await verifySecret(secret, deps.ingestPasswordHash)) {
        client.heatwatch = { kind: 'service', deviceId: INGEST_ACCOUNT };
        return;
      }
      rejections.record(null, 'auth_failed', `wrong password for ${INGEST_ACCOUNT}`);
      throw authError(4, 'bad username or password');
    }
    const found = await registry.credentials(username);
    // An unknown device costs the same scrypt as a known one: no timing oracle for device ids.
    const ok = await verifySecret(secret, found?.secretHash ?? (await decoy(DEVICE_SECRET_COST)));
    if (!found || !ok) {
      rejections.record(found ? username : null, 'auth_failed', found ? 'wrong password' : `unknown device ${username.slice(0, 64)}`);
      throw authError(4, 'bad username or password');
    }
    // A device's session is its own: whatever client id it sent, it is the device id, so no other
    // credentials can take over its connection or session, and a second connection of the same
    // device replaces the first as MQTT does for one client id [MQTT-3.1.4-2].
    client.id = username;
    let bucket = buckets.get(username);
    if (!bucket) buckets.set(username, (bucket = new TokenBucket(rate.perSecond, rate.burst, clock())));
    client.heatwatch = { kind: 'device', deviceId: username, deviceKind: found.device.kind, bucket, telemetryTopic: telemetryTopic(found.device.kind, username) };
  }

  function authorizePublish(client: HeatClient | null, packet: PublishPacket, callback: (error?: Error | null) => void) {
    const who = client?.heatwatch;
    if (packet.topic.startsWith('$SYS')) {
      rejections.record(who?.kind === 'device' ? who.deviceId : null, 'bad_topic', `$SYS is reserved: ${packet.topic.slice(0, 200)}`);
      return callback(new Error('$SYS is reserved'));
    }
    if (!who) return callback(new Error('not authenticated'));
    if (who.kind === 'service') return callback(new Error('the ingest account does not publish'));
    // The common case, a device's reading on its own topic, needs no parsing.
    let channel: TopicChannel = 'telemetry';
    if (packet.topic !== who.telemetryTopic) {
      const topic = parseTopic(packet.topic);
      if (!topic) {
        rejections.record(who.deviceId, 'bad_topic', `topic ${packet.topic.slice(0, 200)}`);
        return callback(new Error('topic outside the contract'));
      }
      if (topic.deviceId !== who.deviceId || topic.kind !== who.deviceKind) {
        rejections.record(who.deviceId, 'foreign_topic', `published to ${packet.topic.slice(0, 200)}`);
        return callback(new Error('a device publishes only under its own topic'));
      }
      channel = topic.channel;
    }
    if (packet.qos === 2) {
      // The contract is QoS 0 and 1 (DESIGN.md §5); QoS 2's extra round trip buys nothing here.
      rejections.record(who.deviceId, 'unsupported_qos', 'QoS 2 is not supported: publish at QoS 1');
      return callback(new Error('QoS 2 is not supported'));
    }
    if (channel === 'status') {
      const value = packet.payload.toString();
      if (value !== STATUS_ONLINE && value !== STATUS_OFFLINE) {
        rejections.record(who.deviceId, 'invalid_field', 'status must be online or offline');
        return callback(new Error('bad status payload'));
      }
      return callback(null);
    }
    if (!who.bucket!.take(clock())) {
      // Disconnecting, not dropping: an unacknowledged QoS 1 reading is sent again later.
      rejections.record(who.deviceId, 'rate_limited', `more than ${rate.perSecond} msg/s`);
      holdOff(who.deviceId, clock());
      return callback(new Error('rate limit exceeded'));
    }
    // Telemetry is never kept as a retained message: not a refused one (counted, connection
    // kept), not an accepted one — the store holds readings, the broker does not.
    packet.retain = false;
    if (!intake) return callback(null);
    intake(who.deviceKind!, who.deviceId, packet.payload as Buffer, (err) => callback(err));
  }

  // Telemetry HeatWatch has stored is routed to subscribers only when a subscription that can
  // match a telemetry topic was ever made (a device's own "#", the standalone broker's ingest
  // account): otherwise aedes' routing of every reading — its subscription lookups, the
  // emitter, the 'publish' event — finds nobody, at ~15 % of the main thread's time per message.
  // aedes publishes a client's packet only once authorizePublish let it through: with an
  // intake, a device's packet on its own telemetry topic was stored.
  let telemetryRouted = false;
  const stored = (packet: PublishPacket, client: HeatClient | null) => intake !== undefined && client?.heatwatch?.telemetryTopic === packet.topic;

  function authorizeSubscribe(client: HeatClient, sub: Subscription, callback: (error: Error | null, sub?: Subscription | null) => void) {
    const who = client.heatwatch;
    if (who?.kind === 'service' && sub.topic.startsWith(`${TOPIC_ROOT}/`)) return callback(null, sub);
    const own = who?.kind === 'device' ? `${TOPIC_ROOT}/${who.deviceKind}/${who.deviceId}/` : undefined;
    // Wildcards after the device's own prefix still match only its own subtree.
    if (own && sub.topic.startsWith(own)) {
      return callback(null, sub);
    }
    // [MQTT-3.9.3-1] 0x80 in the SUBACK: refused, connection kept.
    callback(null, null);
  }

  const aedes = await Aedes.createBroker({
    maxClientsIdLength: MAX_CLIENT_ID_LENGTH,
    authenticate: (client, username, password, done) => {
      authenticate(client, username, password).then(
        () => done(null, true),
        (err: AuthenticateError) => done(err.returnCode ? err : authError(5, 'not authorised'), false),
      );
    },
    authorizePublish,
    authorizeSubscribe,
  });

  // aedes lists refused subscriptions too (granted 128): a device asking for "#" turns nothing on.
  aedes.on('subscribe', (subscriptions: Subscription[]) => {
    if (!telemetryRouted && subscriptions.some((sub) => (sub.qos as number) !== 128 && mayMatchTelemetry(sub.topic))) telemetryRouted = true;
  });
  // aedes' handlers call publish(packet, client, done); its types know only (packet, done).
  type Publish = (packet: PublishPacket, client: HeatClient | null, done?: (error?: Error) => void) => void;
  const router = aedes as unknown as { publish: Publish };
  const route = router.publish.bind(aedes);
  router.publish = (packet, client, done) => {
    // Asynchronously, as aedes' own routing answers: its packet loop must not re-enter the parser.
    if (!telemetryRouted && stored(packet, client)) return void queueMicrotask(() => done?.());
    route(packet, client, done);
  };

  aedes.on('clientReady', (client: HeatClient) => {
    const who = client.heatwatch;
    if (who?.kind !== 'device') return;
    const n = (connections.get(who.deviceId) ?? 0) + 1;
    connections.set(who.deviceId, n);
    if (n === 1) deps.onPresence?.(who.deviceId, who.deviceKind!, true);
  });
  aedes.on('clientDisconnect', (client: HeatClient) => {
    const who = client.heatwatch;
    if (who?.kind !== 'device') return;
    const n = (connections.get(who.deviceId) ?? 1) - 1;
    if (n > 0) return void connections.set(who.deviceId, n);
    connections.delete(who.deviceId);
    deps.onPresence?.(who.deviceId, who.deviceKind!, false);
  });
  aedes.on('clientError', (client: HeatClient, err: Error) => {
    logger.debug({ deviceId: client.heatwatch?.deviceId, err: err.message }, 'mqtt client dropped');
  });

  // No packet larger than the largest HeatWatch takes is buffered, authenticated or not.
  const guardPacketSize = (conn: Duplex & { remoteAddress?: string }) =>
    limitPacketSize(conn, MAX_PACKET_BYTES, () => rejections.record(null, 'payload_too_large', `packet over ${MAX_PACKET_BYTES} bytes announced: connection closed`));

  // Connections not logged in yet, per address: each holds a socket and a parser until its
  // CONNECT is checked (or aedes' connect timeout), so one address may hold only so many.
  const pending = new Map<string, number>();
  const waiting = new WeakSet<Client>();
  const settle = (client: Client, address: string) => {
    if (!waiting.delete(client)) return;
    const left = (pending.get(address) ?? 1) - 1;
    if (left > 0) pending.set(address, left);
    else pending.delete(address);
  };
  /** Hands a new connection to aedes, or closes it when its address has too many waiting. */
  const admit = (conn: Duplex & { remoteAddress?: string }, address: string, req?: IncomingMessage) => {
    const n = pending.get(address) ?? 0;
    if (n >= MAX_PENDING_PER_ADDRESS) {
      rejections.record(null, 'auth_throttled', `${n} connections from ${address} waiting to log in`);
      conn.destroy();
      return;
    }
    pending.set(address, n + 1);
    const client = aedes.handle(guardPacketSize(conn), req as IncomingMessage);
    waiting.add(client);
    conn.once('close', () => settle(client, address));
    client.once('connected', () => settle(client, address));
  };

  const servers: net.Server[] = [];
  const sockets: WebSocketServer[] = [];

  return {
    aedes,
    connectedDevices: () => connections.size,

    /** Listens for MQTT over TCP; resolves with the port (0 picks a free one). */
    listen(port: number, host: string): Promise<number> {
      // No Nagle: a PUBACK held back 40 ms by delayed ACKs would throttle every QoS 1 sender.
      const server = net.createServer({ noDelay: true }, (socket) => admit(socket, socket.remoteAddress ?? 'unknown'));
      servers.push(server);
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve((server.address() as net.AddressInfo).port));
      });
    },

    /** Serves MQTT over WebSocket on an existing HTTP server, at `path`. */
    attachWebSocket(http: HttpServer, path = '/mqtt'): void {
      // A frame carries at most one MQTT packet, so no frame is larger than the largest packet.
      const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PACKET_BYTES });
      sockets.push(wss);
      http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
        if (new URL(req.url ?? '/', 'http://x').pathname !== path) return;
        wss.handleUpgrade(req, socket, head, (ws) => admit(createWebSocketStream(ws), req.socket.remoteAddress ?? 'unknown', req));
      });
    },

    async close(): Promise<void> {
      for (const wss of sockets) {
        for (const ws of wss.clients) ws.terminate();
        wss.close();
      }
      // aedes first: it ends the client connections the listeners would otherwise wait for.
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}

export type Broker = Awaited<ReturnType<typeof createBroker>>;

/**
 * Whether an MQTT topic filter can match some telemetry topic (`heat/<kind>/<id>/telemetry`),
 * a shared subscription's group set aside. Errs towards yes: a literal kind or id may match.
 */
export function mayMatchTelemetry(filter: string): boolean {
  const levels = filter.split('/');
  if (levels[0] === '$share') levels.splice(0, 2);
  const telemetry = [TOPIC_ROOT, null, null, 'telemetry'];
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i];
    if (level === '#') return true;
    if (i >= telemetry.length) return false;
    if (level === '+' || telemetry[i] === null) continue;
    if (level !== telemetry[i]) return false;
  }
  return levels.length === telemetry.length;
}

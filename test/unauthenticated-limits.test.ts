/**
 * Issue 11, items 2 and 6: what a stranger can make HeatWatch hold or show without logging in.
 * Each test is an attack against the real server (Fastify on a real port, the embedded aedes
 * broker, raw sockets where a polite client would not do it): a 60 MB CSV to the import route,
 * a CSV or a too-deep JSON elsewhere, a huge MQTT packet announced before the CONNECT, a huge
 * WebSocket frame, upgrades to nowhere, slow requests, many sockets from one address, framing,
 * metrics from afar, and a formula in an exported CSV.
 */
import net from 'node:net';
import mqtt from 'mqtt';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MAX_PENDING_PER_ADDRESS } from '../broker/create-broker.ts';
import { createHttpServer } from '../ingest/http/create-http-server.ts';
import { MAX_IMPORT_ROWS, csvLine, exact } from '../ingest/services/device-import.ts';
import { eventually, startWorld, tempDir, type TestWorld } from './support/heatwatch.ts';

/** Writes `request` on a raw socket; resolves with everything the server sent once it closes or answers. */
function raw(port: number, request: string | Buffer, { waitForClose = false } = {}): Promise<{ text: string; closed: boolean; socket: net.Socket }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    socket.on('error', () => undefined);
    socket.on('data', (d) => {
      text += d.toString('latin1');
      if (!waitForClose && /\r\n\r\n/.test(text)) resolve({ text, closed: false, socket });
    });
    socket.on('close', () => resolve({ text, closed: true, socket }));
    socket.once('connect', () => socket.write(request));
    socket.setTimeout(60_000, () => reject(new Error('no answer')));
  });
}

const status = (text: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);

describe('the HTTP port, unauthenticated', () => {
  let world: TestWorld;
  const port = () => world.app.httpPort;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(async () => world?.close());

  it('answers a 60 MB CSV to the import route with 401 before reading it', async () => {
    // Headers and ten bytes: a server that read the body first would wait for the other 60 MB.
    const res = await raw(port(), 'POST /api/devices/import HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nContent-Length: 60000000\r\n\r\nid,kind,na');
    res.socket.destroy();
    expect(status(res.text)).toBe(401);
  });

  it('refuses CSV on every other route, even signed in', async () => {
    const res = await fetch(`http://127.0.0.1:${port()}/api/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${world.adminToken}` },
      body: 'type,description\nleak,x\n',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('does not take text/csv');
  });

  it('keeps JSON bodies to 1 MiB', async () => {
    const res = await world.api('POST', '/api/login', JSON.stringify({ username: 'admin', password: 'x'.repeat(2 * 1024 * 1024) }), null);
    expect(res.status).toBe(413);
  });

  it('answers a JSON body nested 10 000 deep with 400, not 500', async () => {
    const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    const res = await world.api<{ error: { code: string; message: string } }>('PUT', '/api/alerting/channels/deep', `{"name":"x","config":${deep}}`);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('nested deeper than');
    const arrays = await world.api('POST', '/api/tickets', `{"type":"leak","description":${'['.repeat(5000)}${']'.repeat(5000)}}`);
    expect(arrays.status).toBe(400);
  });

  it('stops reading an import at the row cap and creates nothing', async () => {
    const rows = Array.from({ length: MAX_IMPORT_ROWS + 1 }, (_, i) => `R-${i},room,r,35.4,116.9,,living,,`);
    const res = await fetch(`http://127.0.0.1:${port()}/api/devices/import`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${world.adminToken}` },
      body: `id,kind,name,lat,lng,address,roomType,substationId,intervalSec\n${rows.join('\n')}\n`,
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(`more than ${MAX_IMPORT_ROWS} rows`);
    expect((await world.api<{ devices: unknown[] }>('GET', '/api/devices')).body.devices).toEqual([]);
  });

  it('answers an upgrade to a path nobody serves, and closes it', async () => {
    const res = await raw(port(), 'GET /nothing HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n', { waitForClose: true });
    expect(status(res.text)).toBe(404);
    expect(res.closed).toBe(true);
  });

  it('sends the security headers on the dashboard, the docs and the acknowledge page', async () => {
    for (const path of ['/', '/docs/', '/ack/not-a-token']) {
      const res = await fetch(`http://127.0.0.1:${port()}${path}`);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).not.toContain('upgrade-insecure-requests'); // plain-HTTP deployments on a LAN must keep working
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
    }
  });

  it('answers /metrics on this host, without the Node.js version', async () => {
    const res = await fetch(`http://127.0.0.1:${port()}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('process_cpu_seconds_total');
    expect(text).not.toContain('nodejs_version_info');
    expect(text).not.toContain(process.version);
  });

  it('neutralises a formula in an exported CSV cell', async () => {
    const res = await fetch(`http://127.0.0.1:${port()}/api/devices/import?format=csv`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${world.adminToken}` },
      body: `id,kind,name,lat,lng,address,roomType,substationId,intervalSec\n=2+5*cmd|calc,room,r,35.4,116.9,,living,,\n`,
    });
    expect(res.status).toBe(200);
    // The refused row comes back with its id: as text, never as a formula a spreadsheet runs.
    const [header, row] = (await res.text()).split('\r\n');
    expect(header).toBe('id,username,password,error');
    expect(row!.startsWith("'=2+5*cmd|calc,,,\"line 2:")).toBe(true);
  });
});

describe('CSV cells', () => {
  it('quote a would-be formula from input as text, but leave numbers and the secrets HeatWatch made exactly as they are', () => {
    // A generated device secret may start with '-': written with a quote it would no longer log in.
    expect(csvLine([exact('-6J85TfE4p6gYAgNs'), '-6J85TfE4p6gYAgNs', '=1+1', '@SUM(A1)', -3.5, 'plain'])).toBe("-6J85TfE4p6gYAgNs,'-6J85TfE4p6gYAgNs,'=1+1,'@SUM(A1),-3.5,plain");
  });
});

describe('metrics from elsewhere, behind a proxy', () => {
  let world: TestWorld;
  afterEach(async () => world?.close());

  it('refuses a remote client without the token, and takes the token', async () => {
    world = await startWorld({ HEATWATCH_TRUST_PROXY: 'true', HEATWATCH_METRICS_TOKEN: 'metrics-token-0123456789' });
    const url = `http://127.0.0.1:${world.app.httpPort}/metrics`;
    const remote = { 'x-forwarded-for': '203.0.113.9' };
    expect((await fetch(url, { headers: remote })).status).toBe(403);
    expect((await fetch(url, { headers: { ...remote, authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(403);
    expect((await fetch(url, { headers: { ...remote, authorization: 'Bearer metrics-token-0123456789' } })).status).toBe(200);
  });

  it('without a proxy and without a token, a forwarded address changes nothing: this host is asked', async () => {
    world = await startWorld();
    const res = await fetch(`http://127.0.0.1:${world.app.httpPort}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(res.status).toBe(200);
  });
});

describe('connections one address may hold', () => {
  let world: TestWorld;
  afterAll(async () => world?.close());

  it('refuses the connection past the cap, and takes one again when another closes', async () => {
    world = await startWorld({ HEATWATCH_HTTP_CONNECTIONS_PER_ADDRESS: '4' });
    const open = async () => {
      const s = net.connect(world.app.httpPort, '127.0.0.1');
      await new Promise((r) => s.once('connect', r));
      return s;
    };
    const held = await Promise.all([open(), open(), open(), open()]);
    const fifth = await raw(world.app.httpPort, 'GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n', { waitForClose: true });
    expect(fifth).toMatchObject({ text: '', closed: true });
    held[0]!.destroy();
    const again = await eventually(async () => {
      const r = await raw(world.app.httpPort, 'GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', { waitForClose: true });
      return status(r.text) === 200 ? r : undefined;
    });
    expect(status(again.text)).toBe(200);
    for (const s of held) s.destroy();
  });
});

describe('a slow request', () => {
  it('is cut off once the request time is up, instead of holding the socket', async () => {
    const dir = tempDir('heatwatch-slow-');
    const app = await createHttpServer({
      logger: pino({ level: 'silent' }),
      dashboardDir: dir,
      trustProxy: false,
      connectionsPerAddress: 100,
      imageSources: [],
      timeouts: { requestMs: 600, headersMs: 400, checkEveryMs: 100 },
    });
    app.post('/echo', async (request) => request.body);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as net.AddressInfo).port;
    // A body announced at 1 000 bytes of which 10 ever come: the server must not wait for ever.
    const res = await raw(port, 'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"a":"1234', { waitForClose: true });
    expect(res.closed).toBe(true);
    expect(status(res.text)).toBe(408);
    // Headers that never end are cut off too.
    const headers = await raw(port, 'GET /echo HTTP/1.1\r\nHost: x\r\nX-Slow: ', { waitForClose: true });
    expect(headers.closed).toBe(true);
    await app.close();
  });
});

describe('the MQTT ports, before any login', () => {
  let world: TestWorld;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(async () => world?.close());

  it('closes a TCP connection whose first packet announces 200 MB, without waiting for it', async () => {
    // CONNECT, Remaining Length 200 000 000 as a four-byte variable integer, then nothing more.
    let n = 200_000_000;
    const length: number[] = [];
    do {
      let byte = n % 128;
      n = Math.floor(n / 128);
      if (n > 0) byte |= 0x80;
      length.push(byte);
    } while (n > 0);
    const res = await raw(world.app.mqttPort!, Buffer.from([0x10, ...length, 0x00, 0x04]), { waitForClose: true });
    expect(res.closed).toBe(true);
    const rejections = (await world.api<{ byReason: Record<string, number> }>('GET', '/api/rejections')).body;
    expect(rejections.byReason.payload_too_large).toBe(1);
  });

  it('lets one address hold only so many connections that have not logged in', async () => {
    const idle = await Promise.all(
      Array.from({ length: MAX_PENDING_PER_ADDRESS }, async () => {
        const s = net.connect(world.app.mqttPort!, '127.0.0.1');
        await new Promise((r) => s.once('connect', r));
        return s;
      }),
    );
    // One more from the same address is closed unheard, even with a good CONNECT.
    const sensor = await world.provision({ id: 'R-PENDING' });
    const attempt = () =>
      new Promise<'connected' | 'closed'>((resolve) => {
        const c = mqtt.connect(`mqtt://127.0.0.1:${world.app.mqttPort}`, { username: sensor.mqtt.username, password: sensor.mqtt.password, reconnectPeriod: 0 });
        c.once('connect', () => (c.end(true), resolve('connected')));
        c.once('close', () => resolve('closed'));
      });
    expect(await attempt()).toBe('closed');
    for (const s of idle) s.destroy();
    // Once they are gone, a device from the same address logs in.
    await eventually(async () => (await attempt()) === 'connected', 10_000);
  });

  it('closes an MQTT-over-WebSocket connection sending a frame over the packet limit', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${world.app.httpPort}/mqtt`, 'mqtt');
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send(Buffer.alloc(2 * 1024 * 1024));
    expect(await closed).toBe(1009); // "message too big"
  });
});

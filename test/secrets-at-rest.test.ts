/**
 * Issue 11, item 3: secrets stay put. Against a real HeatWatch with a real SQLite file and a
 * real HTTP receiver: channel secrets are not in the database file in clear, a wrong key stops
 * the start, old plain rows are sealed, the files are the owner's alone, a redacted secret is
 * never sent to a new destination, the channel test does not read a receiver's page back, and
 * an acknowledge token never reaches the log.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Ticket } from '../ingest/contracts/tickets.ts';
import { eventually, startWorld, type LogEntry, type TestWorld } from './support/heatwatch.ts';

const TOKEN = 'Bearer hook-secret-token-0123456789';

interface Seen {
  path: string;
  authorization?: string;
  body: Record<string, unknown>;
}

let receiver: http.Server;
const seen: Seen[] = [];
let answer: { status: number; body: string } = { status: 200, body: '{}' };
const receiverUrl = () => `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      seen.push({ path: req.url ?? '', authorization: req.headers.authorization, body: JSON.parse(raw || '{}') as Record<string, unknown> });
      res.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.body);
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
});
afterAll(() => new Promise<void>((r) => receiver.close(() => r())));

let world: TestWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
  answer = { status: 200, body: '{}' };
});

const putHook = (w: TestWorld, config: Record<string, unknown>) => w.api<{ error?: { message: string } }>('PUT', '/api/alerting/channels/hook', { name: '抢修群', config });

/** Every byte SQLite holds for HeatWatch: the main file and its write-ahead log. */
function databaseBytes(dir: string): string {
  return ['heatwatch.db', 'heatwatch.db-wal'].map((f) => (fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f)).toString('latin1') : '')).join('');
}

describe('channel secrets at rest', () => {
  it('are not in the database files in clear, and still work after a restart', async () => {
    world = await startWorld();
    expect((await putHook(world, { type: 'webhook', url: `${receiverUrl()}/hook`, headers: { Authorization: TOKEN } })).status).toBe(200);
    expect(databaseBytes(world.dataDir)).not.toContain('hook-secret-token');
    await world.restart();
    expect(databaseBytes(world.dataDir)).not.toContain('hook-secret-token');
    expect((await world.api('POST', '/api/alerting/channels/hook/test', {})).status).toBe(200);
    expect(seen.at(-1)?.authorization).toBe(TOKEN);
  });

  it('stop the start with a clear error when the key is not the one they were sealed with', async () => {
    world = await startWorld({ HEATWATCH_SECRETS_KEY: 'k'.repeat(40) });
    await putHook(world, { type: 'webhook', url: `${receiverUrl()}/hook`, headers: { Authorization: TOKEN } });
    await expect(world.restart({ HEATWATCH_SECRETS_KEY: 'w'.repeat(40) })).rejects.toMatchObject({ code: 'HW_SECRETS_KEY' });
    await world.restart({ HEATWATCH_SECRETS_KEY: 'k'.repeat(40) });
  });

  it('stored in clear by an older version are sealed at the next start', async () => {
    world = await startWorld();
    await world.app.close();
    const db = new Database(path.join(world.dataDir, 'heatwatch.db'));
    const plain = JSON.stringify({ type: 'webhook', url: `${receiverUrl()}/old`, headers: { Authorization: TOKEN } });
    db.prepare('INSERT INTO alert_channels (id, name, config, enabled, created_at) VALUES (?, ?, ?, 1, ?)').run('old', '旧渠道', plain, Date.now());
    db.close();
    await world.restart();
    const row = new Database(path.join(world.dataDir, 'heatwatch.db'), { readonly: true });
    const stored = (row.prepare('SELECT config FROM alert_channels WHERE id = ?').get('old') as { config: string }).config;
    row.close();
    expect(stored).toMatch(/^enc:v1:/);
    expect(stored).not.toContain('hook-secret-token');
    expect((await world.api('POST', '/api/alerting/channels/old/test', {})).status).toBe(200);
  });

  it('are in files only HeatWatch can read', async () => {
    world = await startWorld();
    await putHook(world, { type: 'webhook', url: `${receiverUrl()}/hook`, headers: { Authorization: TOKEN } });
    for (const f of ['heatwatch.db', 'heatwatch.db-wal', 'secrets.key', 'ack-link.key']) {
      expect(fs.statSync(path.join(world.dataDir, f)).mode & 0o777, f).toBe(0o600);
    }
  });
});

describe('a redacted secret', () => {
  it('is kept for the same destination, and refused for a new one until it is typed again', async () => {
    world = await startWorld();
    await putHook(world, { type: 'webhook', url: `${receiverUrl()}/hook`, headers: { Authorization: TOKEN } });
    const shown = (await world.api<{ channels: { config: { headers: Record<string, string> } }[] }>('GET', '/api/alerting/channels')).body.channels[0]!.config;
    expect(shown.headers.Authorization).toBe('••••');

    // Same receiver, new path: the stored secret is kept and used.
    expect((await putHook(world, { type: 'webhook', url: `${receiverUrl()}/hook2`, headers: { Authorization: '••••' } })).status).toBe(200);
    await world.api('POST', '/api/alerting/channels/hook/test', {});
    expect(seen.at(-1)).toMatchObject({ path: '/hook2', authorization: TOKEN });

    // Another host: the secret would leave for it. Refused; nothing changes.
    const moved = await putHook(world, { type: 'webhook', url: 'http://127.0.0.2:9/steal', headers: { Authorization: '••••' } });
    expect(moved.status).toBe(400);
    expect(moved.body.error?.message).toContain('enter its secrets again');
    await world.api('POST', '/api/alerting/channels/hook/test', {});
    expect(seen.at(-1)).toMatchObject({ path: '/hook2', authorization: TOKEN });

    // Typed again, it may go there.
    expect((await putHook(world, { type: 'webhook', url: 'http://127.0.0.2:9/new', headers: { Authorization: 'Bearer another-token-0123456789' } })).status).toBe(200);
  });
});

describe('the channel test', () => {
  it("says how the receiver answered, but not what its page said", async () => {
    world = await startWorld();
    await putHook(world, { type: 'webhook', url: `${receiverUrl()}/internal`, headers: { Authorization: TOKEN } });
    answer = { status: 500, body: 'INTERNAL-ONLY: db password is hunter2' };
    const res = await world.api<{ error: { code: string; message: string } }>('POST', '/api/alerting/channels/hook/test', {});
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('HW_CHANNEL_FAILED');
    expect(res.body.error.message).toContain('HTTP 500');
    expect(JSON.stringify(res.body)).not.toContain('hunter2');
  });
});

describe('acknowledge tokens', () => {
  it('never reach the log, at any level, valid or not', async () => {
    const logs: LogEntry[] = [];
    world = await startWorld({}, { onLog: (e) => logs.push(e) });
    await putHook(world, { type: 'webhook', url: `${receiverUrl()}/hook` });
    const roster = {
      people: [{ id: 'zhang', name: '张工' }],
      teams: [{ id: 'repair', name: '抢修班', substations: '*', channels: ['hook'] }],
      shifts: [{ team: 'repair', person: 'zhang', role: 'engineer', weekdays: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '00:00' }],
    };
    await world.api('PUT', '/api/alerting/roster', roster);
    const ticket = (await world.api<Ticket>('POST', '/api/tickets', { type: 'leak', description: '漏水' })).body;
    const page = await eventually(() => seen.find((s) => s.body.ticketId === ticket.id), 10_000);
    const link = String(page.body.ackLink);
    const token = new URL(link).pathname.split('/')[2]!;
    await fetch(link);
    await fetch(link, { method: 'POST' });
    await fetch(`${link}x`);
    await fetch(new URL(`/ack/${token}/extra?t=${token}`, link));
    // The last request's completion is logged too: wait for it, then look at everything.
    await eventually(() => logs.filter((l) => l.msg === 'request completed').length >= 4);
    const text = JSON.stringify(logs);
    expect(text).toContain('/ack/[token]');
    expect(text).not.toContain(token.slice(0, 24));
  });
});

/**
 * Several nodes, live events (issue 18, first part): two HeatWatch nodes on one Redis
 * (127.0.0.1:6379, as on every dev and CI machine) with `HEATWATCH_REDIS_URL`: a dashboard socket
 * on node B sees a ticket opened on node A, a complaint about staff only on B's dispatch
 * sockets, and another HeatWatch on the same Redis (another key) sees nothing of theirs.
 */
import { randomUUID } from 'node:crypto';
import { io as connectSocket, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ticket } from '../ingest/contracts/tickets.ts';
import { eventually, startWorld, type TestWorld } from './support/heatwatch.ts';

const REDIS = 'redis://127.0.0.1:6379';
let a: TestWorld;
let b: TestWorld;
let other: TestWorld;
const sockets: Socket[] = [];

beforeAll(async () => {
  // One key per run: parallel runs on the machine's Redis do not hear each other.
  const key = `heatwatch-test-${randomUUID()}`;
  a = await startWorld({ HEATWATCH_REDIS_URL: REDIS, HEATWATCH_REDIS_KEY: key });
  b = await startWorld({ HEATWATCH_REDIS_URL: REDIS, HEATWATCH_REDIS_KEY: key });
  other = await startWorld({ HEATWATCH_REDIS_URL: REDIS, HEATWATCH_REDIS_KEY: `${key}-other` });
}, 60_000);

afterAll(async () => {
  for (const s of sockets) s.close();
  await Promise.all([a?.close(), b?.close(), other?.close()]);
});

/** A dashboard's socket on `world`, signed in as `token`, collecting the tickets it is told of. */
async function dashboard(world: TestWorld, token: string): Promise<Ticket[]> {
  const socket = connectSocket(`http://127.0.0.1:${world.app.httpPort}`, { auth: { token }, transports: ['websocket'] });
  sockets.push(socket);
  const seen: Ticket[] = [];
  socket.on('ticket', (t: Ticket) => seen.push(t));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return seen;
}

async function engineerToken(world: TestWorld): Promise<string> {
  await world.api('POST', '/api/users', { username: 'eng', password: 'eng-password-123', role: 'engineer' });
  return (await world.api<{ token: string }>('POST', '/api/login', { username: 'eng', password: 'eng-password-123' }, null)).body.token;
}

describe('live events across nodes through Redis', () => {
  it("shows node A's tickets on node B's dashboards, a complaint about staff only on dispatch's, and nothing to another HeatWatch", async () => {
    const onB = await dashboard(b, b.adminToken);
    const engineerOnB = await dashboard(b, await engineerToken(b));
    const onOther = await dashboard(other, other.adminToken);

    const complaint = (await a.api<Ticket>('POST', '/api/tickets', { type: 'staff_complaint', description: '维修工态度恶劣' })).body;
    const leak = (await a.api<Ticket>('POST', '/api/tickets', { type: 'leak', description: '楼道暖气管漏水', address: '幸福小区 3-2' })).body;
    await eventually(() => onB.some((t) => t.id === leak.id) && engineerOnB.some((t) => t.id === leak.id));
    expect(onB.find((t) => t.id === leak.id)).toMatchObject({ type: 'leak', address: '幸福小区 3-2' });
    expect(onB.map((t) => t.id)).toContain(complaint.id);
    expect(engineerOnB.map((t) => t.description)).not.toContain('维修工态度恶劣');

    // Another HeatWatch on the same Redis: its own ticket reaches its socket, A's never did.
    const own = (await other.api<Ticket>('POST', '/api/tickets', { type: 'repair', description: '阀门关不严' })).body;
    await eventually(() => onOther.some((t) => t.id === own.id && t.description === '阀门关不严'));
    expect(onOther.filter((t) => t.description === '楼道暖气管漏水')).toEqual([]);
  });
});

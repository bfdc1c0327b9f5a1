/**
 * Issue 11, item 5: an acknowledge link is its recipient's own. Two engineers on duty get one
 * page with a link each, signed in their own roster id (a name of any length leaves the link
 * short); a link's page shows the ticket before anyone confirms; using one engineer's link
 * records that engineer, not the other; a forged or altered link is refused.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ticket } from '../ingest/contracts/tickets.ts';
import { eventually, startWorld, type TestWorld } from './support/heatwatch.ts';

interface Page {
  ticketId: string;
  ackLink: string;
  recipients: { name: string; ackLink?: string }[];
}

const LONG_NAME = `欧阳${'长'.repeat(98)}`; // 100 characters, the roster's limit

let world: TestWorld;
let server: http.Server;
const pages: Page[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      pages.push(JSON.parse(raw) as Page);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  world = await startWorld();
  const hook = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  expect((await world.api('PUT', '/api/alerting/channels/hook', { name: '抢修群', config: { type: 'webhook', url: hook } })).status).toBe(200);
  const allDay = { weekdays: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '00:00' };
  const roster = {
    people: [
      { id: 'zhang', name: '张工' },
      { id: 'ouyang', name: LONG_NAME },
    ],
    teams: [{ id: 'repair', name: '抢修班', substations: '*', channels: ['hook'] }],
    shifts: [
      { team: 'repair', person: 'zhang', role: 'engineer', ...allDay },
      { team: 'repair', person: 'ouyang', role: 'engineer', ...allDay },
    ],
  };
  expect((await world.api('PUT', '/api/alerting/roster', roster)).status).toBe(200);
});
afterAll(async () => {
  await world?.close();
  await new Promise<void>((r) => server.close(() => r()));
});

const claimOf = (link: string) => JSON.parse(Buffer.from(new URL(link).pathname.split('/')[2]!.split('.')[0]!, 'base64url').toString('utf8')) as [string, string, number];

describe('acknowledge links', () => {
  let ticket: Ticket;
  let page: Page;

  beforeAll(async () => {
    ticket = (await world.api<Ticket>('POST', '/api/tickets', { type: 'leak', description: '楼道暖气管漏水', address: '幸福小区 3-2' })).body;
    page = await eventually(() => pages.find((p) => p.ticketId === ticket.id), 10_000);
  });

  it('gives each person on duty a link of their own, carrying their roster id, not their name', () => {
    const byName = Object.fromEntries(page.recipients.map((r) => [r.name, r.ackLink!]));
    expect(Object.keys(byName).sort()).toEqual(['张工', LONG_NAME].sort());
    expect(claimOf(byName['张工']!).slice(0, 2)).toEqual([ticket.id, 'zhang']);
    expect(claimOf(byName[LONG_NAME]!).slice(0, 2)).toEqual([ticket.id, 'ouyang']);
    // A 100-character name costs the link nothing.
    expect(byName[LONG_NAME]!.length).toBeLessThan(160);
    expect(Math.abs(byName[LONG_NAME]!.length - byName['张工']!.length)).toBeLessThanOrEqual(4);
  });

  it("shows the ticket on the link's page before anyone confirms, and only its own person's name", async () => {
    const link = page.recipients.find((r) => r.name === '张工')!.ackLink!;
    const res = await fetch(link);
    const html = await res.text();
    expect(res.status).toBe(200);
    for (const shown of ['供热设施漏水', ticket.id, '幸福小区 3-2', '楼道暖气管漏水', '张工', '确认接单']) expect(html).toContain(shown);
    expect(html).not.toContain('欧阳');
    // Looking acknowledged nothing.
    expect((await world.api<Ticket>('GET', `/api/tickets/${ticket.id}`)).body.status).toBe('open');
  });

  it("records the person whose link was used, and refuses a link altered to name the other", async () => {
    const link = new URL(page.recipients.find((r) => r.name === LONG_NAME)!.ackLink!);
    const [body, signature] = link.pathname.split('/')[2]!.split('.');
    const [ticketId, , expiresAt] = claimOf(link.href);
    const forged = Buffer.from(JSON.stringify([ticketId, 'zhang', expiresAt])).toString('base64url');
    expect((await fetch(new URL(`/ack/${forged}.${signature}`, link), { method: 'POST' })).status).toBe(403);
    expect(body).not.toBe(forged);

    expect((await fetch(link, { method: 'POST' })).status).toBe(200);
    const detail = (await world.api<Ticket & { timeline: { actor: string; action: string }[] }>('GET', `/api/tickets/${ticket.id}`)).body;
    expect(detail.status).toBe('acknowledged');
    expect(detail.timeline.find((s) => s.action === 'acknowledge')).toMatchObject({ actor: LONG_NAME, data: { via: 'ack_link' } });
  });
});

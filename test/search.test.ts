/**
 * One search box and a caller's history (issue 15): a ticket number, a device, an address, a
 * household's or a caller's name or phone however it was typed; and every earlier ticket of a
 * phone number, so a repeat complaint is recognised at once. Staff roles only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Device } from '../ingest/contracts/devices.ts';
import type { Household } from '../ingest/contracts/households.ts';
import type { Ticket } from '../ingest/contracts/tickets.ts';
import { startWorld, type TestWorld } from './support/heatwatch.ts';

type Found = { tickets: Ticket[]; devices: Device[]; households: Household[] };

describe('search and caller history', () => {
  let world: TestWorld;
  let first: Ticket;
  let viewer: string;
  const find = async (q: string) => (await world.api<Found>('GET', `/api/search?q=${encodeURIComponent(q)}`)).body;

  beforeAll(async () => {
    world = await startWorld();
    await world.provision({ id: 'SS-9', kind: 'substation', name: '九号换热站' });
    await world.provision({ id: 'R-901', substationId: 'SS-9', roomType: 'bedroom', name: '春华小区 2-1-301 卧室', address: '春华小区 2-1-301' });
    await world.api('POST', '/api/households', { id: 'H-901', name: '孔德明', phone: '139 0000 0001', address: '春华小区 2-1-301', substationId: 'SS-9', deviceIds: ['R-901'] });
    first = (await world.api<Ticket>('POST', '/api/tickets', { type: 'heating_quality', description: '卧室不热', contact: '孔先生 13900000001' })).body;
    await world.api('POST', '/api/tickets', { type: 'repair', description: '暖气片漏水', deviceId: 'R-901' });
    await world.api('POST', '/api/tickets', { type: 'inquiry', description: '缴费咨询', contact: '李女士 137-0000-0002', address: '幸福小区 5-1-101' });
    await world.api('POST', '/api/users', { username: 'viewer1', password: 'viewer1-password', role: 'viewer' });
    viewer = (await world.api<{ token: string }>('POST', '/api/login', { username: 'viewer1', password: 'viewer1-password' }, null)).body.token;
  });
  afterAll(() => world.close());

  it('finds a ticket by its number however it is typed', async () => {
    for (const q of [first.id, first.id.toLowerCase(), 'T1', `t-${Number(first.id.slice(2))}`]) expect((await find(q)).tickets.map((t) => t.id), q).toEqual([first.id]);
  });

  it('finds a caller by a phone number typed with or without spaces and dashes, and the household with it', async () => {
    const byPhone = await find('139-0000-0001');
    expect(byPhone.households.map((h) => h.id)).toEqual(['H-901']);
    // The hotline ticket where it was the contact, and the repair on the household's sensor.
    expect(byPhone.tickets.map((t) => t.type).sort()).toEqual(['heating_quality', 'repair']);
    expect((await find('13700000002')).tickets.map((t) => t.type)).toEqual(['inquiry']);
  });

  it('finds by name, address and device', async () => {
    expect((await find('孔德明')).households.map((h) => h.id)).toEqual(['H-901']);
    const place = await find('春华小区');
    expect(place.devices.map((d) => d.id)).toEqual(['R-901']);
    expect(place.households.map((h) => h.id)).toEqual(['H-901']);
    expect((await find('幸福小区')).tickets.map((t) => t.type)).toEqual(['inquiry']);
    // A wildcard is a character like any other.
    expect(await find('%')).toEqual({ tickets: [], devices: [], households: [] });
  });

  it('lists a caller’s earlier tickets, newest first (来电弹屏)', async () => {
    const history = (await world.api<{ households: Household[]; tickets: Ticket[] }>('GET', '/api/callers/history?phone=%2B86%20139%200000%200001')).body;
    expect(history.households.map((h) => h.name)).toEqual(['孔德明']);
    expect(history.tickets.map((t) => t.type)).toEqual(['repair', 'heating_quality']);
    expect((await world.api<{ tickets: Ticket[] }>('GET', '/api/callers/history?phone=12')).body.tickets).toEqual([]);
  });

  it("gives a household's page its tickets: about its sensors, or called in from its phone, newest first", async () => {
    const page = await world.api<{ household: Household; tickets: Ticket[] }>('GET', '/api/households/H-901/history');
    expect(page.status).toBe(200);
    expect(page.body.household).toMatchObject({ id: 'H-901', name: '孔德明', deviceIds: ['R-901'] });
    expect(page.body.tickets.map((t) => t.type)).toEqual(['repair', 'heating_quality']);
    // Another family's inquiry is not on it.
    expect(page.body.tickets.some((t) => t.type === 'inquiry')).toBe(false);
    expect((await world.api('GET', '/api/households/H-404/history')).status).toBe(404);
    expect((await world.api('GET', '/api/households/H-901/history', undefined, viewer)).status).toBe(403);
  });

  it('is for staff only: a viewer may not search names and phones', async () => {
    expect((await world.api('GET', '/api/search?q=139', undefined, viewer)).status).toBe(403);
    expect((await world.api('GET', '/api/callers/history?phone=13900000001', undefined, viewer)).status).toBe(403);
    expect((await world.api('GET', '/api/search?q=')).status).toBe(400);
  });
});

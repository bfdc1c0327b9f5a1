/**
 * Households (issue 14): the customers behind the room sensors, kept one by one or imported from
 * the company's list (CSV or .xlsx) with every bad row reported by its line; names and phones
 * for staff roles, masked for a viewer, and never in the logs.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Household } from '../ingest/contracts/households.ts';
import type { Ticket } from '../ingest/contracts/tickets.ts';
import { startWorld, type LogEntry, type TestWorld } from './support/heatwatch.ts';

type ErrorBody = { error: { code: string; message: string } };
type ImportResult = { created: number; errors: { line: number; id: string | null; message: string }[] };

const PHONE = '13812341111';
const home = (over: Partial<Household> = {}) => ({ id: 'H-1', name: '王建国', phone: PHONE, address: '幸福小区 3-2-501', substationId: 'S-1', deviceIds: ['R-1', 'R-2'], areaM2: 96.5, ...over });

async function login(world: TestWorld, username: string, role: string): Promise<string> {
  await world.api('POST', '/api/users', { username, password: `${username}-password`, role });
  return (await world.api<{ token: string }>('POST', '/api/login', { username, password: `${username}-password` }, null)).body.token;
}

describe('households', () => {
  let world: TestWorld;
  let viewer: string;
  let engineer: string;
  const logs: string[] = [];

  beforeAll(async () => {
    world = await startWorld({}, { onLog: (e: LogEntry) => void logs.push(JSON.stringify(e)) });
    await world.provision({ id: 'S-1', kind: 'substation', name: '一号站' });
    await world.provision({ id: 'S-2', kind: 'substation', name: '二号站' });
    for (const [id, s] of [['R-1', 'S-1'], ['R-2', 'S-1'], ['R-3', 'S-1'], ['R-X', 'S-2']] as const) await world.provision({ id, substationId: s, roomType: 'bedroom' });
    viewer = await login(world, 'viewer1', 'viewer');
    engineer = await login(world, 'eng1', 'engineer');
  });
  afterAll(() => world.close());

  it('adds a household with its sensors, and shows it whole to staff and masked to a viewer', async () => {
    const created = await world.api<Household>('POST', '/api/households', home());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'H-1', name: '王建国', phone: PHONE, deviceIds: ['R-1', 'R-2'], areaM2: 96.5 });
    expect((await world.api<Household>('GET', '/api/households/H-1', undefined, engineer)).body.phone).toBe(PHONE);
    const masked = (await world.api<Household>('GET', '/api/households/H-1', undefined, viewer)).body;
    expect([masked.name, masked.phone]).toEqual(['王**', '138****1111']);
    const byDevice = (await world.api<{ households: Household[] }>('GET', '/api/households?deviceId=R-2', undefined, viewer)).body.households;
    expect(byDevice.map((h) => [h.id, h.phone])).toEqual([['H-1', '138****1111']]);
    // An engineer may read it but not change it.
    expect((await world.api('POST', '/api/households', home({ id: 'H-9', deviceIds: [] }), engineer)).status).toBe(403);
  });

  it('refuses a sensor in two homes, one fed by another substation, an unknown substation, a taken id', async () => {
    const refused = async (body: object, status: number, text: string) => {
      const res = await world.api<ErrorBody>('POST', '/api/households', body);
      expect(res.status).toBe(status);
      expect(res.body.error.message).toContain(text);
    };
    await refused(home({ id: 'H-2', deviceIds: ['R-1'] }), 400, 'R-1 is already in household H-1');
    await refused(home({ id: 'H-2', deviceIds: ['R-X'] }), 400, 'R-X is fed by S-2, not S-1');
    await refused(home({ id: 'H-2', deviceIds: ['S-2'] }), 400, 'S-2 is a substation');
    await refused(home({ id: 'H-2', substationId: 'S-9', deviceIds: [] }), 400, 'substation S-9 is not provisioned');
    await refused(home({ id: 'H-2', phone: '打给王先生' }), 400, 'phone');
    await refused(home({ deviceIds: ['R-3'] }), 409, 'H-1 exists');
  });

  it('shows the household on a room’s ticket to staff only', async () => {
    const t = (await world.api<Ticket>('POST', '/api/tickets', { type: 'heating_quality', description: '卧室不热', deviceId: 'R-1' })).body;
    const staff = (await world.api<{ household: Household | null }>('GET', `/api/tickets/${t.id}`, undefined, engineer)).body;
    expect(staff.household).toMatchObject({ id: 'H-1', name: '王建国', phone: PHONE });
    expect((await world.api<{ household: Household | null }>('GET', `/api/tickets/${t.id}`, undefined, viewer)).body.household).toBeNull();
  });

  it('changes a household’s sensors and removes it', async () => {
    const changed = await world.api<Household>('PUT', '/api/households/H-1', { ...home(), id: undefined, deviceIds: ['R-3'] });
    expect(changed.status).toBe(200);
    expect(changed.body.deviceIds).toEqual(['R-3']);
    expect((await world.api<{ households: Household[] }>('GET', '/api/households?deviceId=R-1')).body.households).toEqual([]);
    expect((await world.api('DELETE', '/api/households/H-1')).status).toBe(204);
    expect((await world.api('GET', '/api/households/H-1')).status).toBe(404);
    expect((await world.api('DELETE', '/api/households/H-1')).status).toBe(404);
  });

  it('imports 10 000 households from CSV, reporting every bad row by its line', async () => {
    const lines = ['id,name,phone,address,substationId,deviceIds,areaM2'];
    for (let i = 0; i < 10_000; i++) lines.push(`C-${i},住户${i},1390000${String(i).padStart(4, '0')},幸福小区 ${i} 号,S-1,,${60 + (i % 50)}`);
    lines[101] = 'C-100,住户,not-a-phone,幸福小区,S-1,,80'; // line 102: bad phone
    lines[5001] = 'C-5000,住户,13900005000,幸福小区,S-7,,80'; // line 5002: no such substation
    lines.push('C-1,重复,13900000001,幸福小区,S-1,,80'); // line 10 002: id again
    lines.push('C-R,有测温点,13900009999,幸福小区,S-1,R-1;R-2,80'); // line 10 003: sensors of this substation
    const res = await fetch(`http://127.0.0.1:${world.app.httpPort}/api/households/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${world.adminToken}`, 'content-type': 'text/csv' },
      body: `${lines.join('\r\n')}\r\n`,
    });
    expect(res.status).toBe(200);
    const result = (await res.json()) as ImportResult;
    expect(result.created).toBe(9_999);
    expect(result.errors.map((e) => [e.line, e.id])).toEqual([
      [102, 'C-100'],
      [5002, 'C-5000'],
      [10_002, 'C-1'],
    ]);
    expect(result.errors[0]!.message).toContain('phone');
    expect(result.errors[2]!.message).toContain('also on line 3');
    const page = (await world.api<{ households: Household[]; total: number }>('GET', '/api/households?substationId=S-1&limit=10')).body;
    expect(page.total).toBe(9_999);
    expect((await world.api<{ households: Household[] }>('GET', '/api/households?deviceId=R-2')).body.households.map((h) => h.id)).toEqual(['C-R']);
  });

  it('imports an .xlsx customer list, its numbers as numbers, a bad row by its line in the sheet', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('用户');
    ws.addRow(['id', 'name', 'phone', 'address', 'substationId', 'deviceIds', 'areaM2']);
    ws.addRow(['X-1', '李秀英', '13700000001', '春华小区 1-1-101', 'S-2', 'R-X', 88.2]);
    ws.addRow(['X-2', '', '13700000002', '春华小区 1-1-102', 'S-2', '', 70]);
    const res = await fetch(`http://127.0.0.1:${world.app.httpPort}/api/households/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${world.adminToken}`, 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
      body: new Uint8Array(await wb.xlsx.writeBuffer()),
    });
    const result = (await res.json()) as ImportResult;
    expect(result.created).toBe(1);
    expect(result.errors.map((e) => [e.line, e.id])).toEqual([[3, 'X-2']]);
    expect((await world.api<Household>('GET', '/api/households/X-1')).body).toMatchObject({ deviceIds: ['R-X'], areaM2: 88.2, phone: '13700000001' });
    // Only an admin imports; anything but CSV or a workbook is refused.
    const asViewer = await fetch(`http://127.0.0.1:${world.app.httpPort}/api/households/import`, { method: 'POST', headers: { authorization: `Bearer ${viewer}`, 'content-type': 'text/csv' }, body: 'id\n' });
    expect(asViewer.status).toBe(403);
    expect((await world.api('POST', '/api/households/import', { rows: [] })).status).toBe(400);
  });

  it('never writes a name or a phone to the log', () => {
    const all = logs.join('\n');
    expect(all.length).toBeGreaterThan(0);
    for (const secret of [PHONE, '王建国', '13900005000', '李秀英']) expect(all).not.toContain(secret);
  });
});

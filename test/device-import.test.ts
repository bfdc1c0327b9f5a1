/** Bulk provisioning from an asset-list CSV, and readings exported as CSV, over real HTTP. */
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type TestWorld } from './support/heatwatch.ts';

let world: TestWorld;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world.close());

async function postCsv(csv: string, query = '', token = world.adminToken) {
  const res = await fetch(`http://127.0.0.1:${world.app.httpPort}/api/devices/import${query}`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', authorization: `Bearer ${token}` },
    body: csv,
  });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

const assetList = [
  'id,kind,name,lat,lng,address,roomType,substationId,intervalSec',
  'R-imp-1,room,"幸福小区 3号楼, 501 客厅",35.401,116.968,邹城市,living,SS-imp,600',
  'SS-imp,substation,二号换热站,35.40,116.97,,,,',
  'R-imp-2,room,卧室,35.402,116.969,,bedroom,SS-imp,',
  'R-imp-3,room,卧室,135,116.969,,bedroom,SS-imp,',
  'R-imp-4,room,卧室,35.4,116.9,,kitchen,SS-imp,',
  'R-imp-5,room,卧室,35.4,116.9,,bedroom,SS-nowhere,',
].join('\n');

describe('CSV import', () => {
  it('creates the good rows (substations first), reports each bad row by line, and returns the secrets once', async () => {
    const res = await postCsv(assetList);
    expect(res.status).toBe(200);
    const body = JSON.parse(res.text) as { created: number; credentials: { id: string; username: string; password: string }[]; errors: { line: number; id: string; message: string }[] };
    expect(body.created).toBe(3);
    expect(body.credentials.map((c) => c.id)).toEqual(['SS-imp', 'R-imp-1', 'R-imp-2']);
    expect(body.errors.map((e) => [e.line, e.id])).toEqual([
      [5, 'R-imp-3'],
      [6, 'R-imp-4'],
      [7, 'R-imp-5'],
    ]);
    expect(body.errors[0]!.message).toContain('lat');
    expect(body.errors[1]!.message).toContain('roomType');
    expect(body.errors[2]!.message).toContain('SS-nowhere');
    const room = await world.api<{ name: string; substationId: string; intervalSec: number; roomType: string }>('GET', '/api/devices/R-imp-1');
    expect(room.body).toMatchObject({ name: '幸福小区 3号楼, 501 客厅', substationId: 'SS-imp', intervalSec: 600, roomType: 'living' });
    // The returned secret is the device's MQTT password.
    const cred = body.credentials.find((c) => c.id === 'R-imp-2')!;
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${world.app.mqttPort}`, { username: cred.username, password: cred.password, reconnectPeriod: 0 });
    await client.endAsync();
  });

  it('answers with a credentials CSV when asked, duplicates reported as errors', async () => {
    const res = await postCsv('id,kind,name,lat,lng\nSS-imp,substation,again,35,116\nSS-imp-2,substation,新站,35,116\n', '?format=csv');
    expect(res.status).toBe(200);
    expect(res.type).toContain('text/csv');
    const lines = res.text.trim().split('\r\n');
    expect(lines[0]).toBe('id,username,password,error');
    expect(lines[1]).toMatch(/^SS-imp-2,SS-imp-2,[\w-]{40,},$/);
    expect(lines[2]).toMatch(/^SS-imp,,,line 2: device SS-imp already exists$/);
  });

  it.each([
    ['an empty file', ''],
    ['only a header', 'id,kind,name,lat,lng\n'],
    ['an unknown column', 'id,kind,name,lat,lng,colour\nX,room,x,1,1,red\n'],
    ['a ragged row', 'id,kind,name,lat,lng\nX,room,x\n'],
  ])('refuses %s with 400', async (_n, csv) => {
    const res = await postCsv(csv);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text).error.code).toBe('HW_BAD_REQUEST');
  });

  it('is for admins only', async () => {
    await world.api('POST', '/api/users', { username: 'zhao', password: 'zhao-password', role: 'dispatcher' });
    const login = await world.api<{ token: string }>('POST', '/api/login', { username: 'zhao', password: 'zhao-password' }, null);
    expect((await postCsv(assetList, '', login.body.token)).status).toBe(403);
  });
});

describe('CSV export of readings', () => {
  it('gives one column per field of the device kind', async () => {
    const device = await world.provision({ id: 'R-csv' });
    const client = await world.connect(device);
    const ts = Date.now() - 120_000;
    await client.publishAsync('heat/room/R-csv/telemetry', JSON.stringify([{ ts, temp: 19.5, humidity: 40 }, { ts: ts + 60_000, temp: 19.4 }]), { qos: 1 });
    const res = await fetch(`http://127.0.0.1:${world.app.httpPort}/api/devices/R-csv/readings?format=csv`, { headers: { authorization: `Bearer ${world.adminToken}` } });
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect((await res.text()).trim().split('\r\n')).toEqual([
      'ts,temp,humidity,battery,rssi',
      `${new Date(ts).toISOString()},19.5,40,,`,
      `${new Date(ts + 60_000).toISOString()},19.4,,,`,
    ]);
  });
});

/** The HTTP API on a real Fastify port: logins, roles, validation and the error contract. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type TestWorld } from './support/heatwatch.ts';

let world: TestWorld;
let viewerToken: string;
let dispatcherToken: string;

type ErrorBody = { error: { code: string; message: string } };

beforeAll(async () => {
  world = await startWorld();
  for (const [username, role] of [['wang', 'viewer'], ['li', 'dispatcher']] as const) {
    const res = await world.api('POST', '/api/users', { username, password: `${username}-password`, role, displayName: username });
    expect(res.status).toBe(201);
  }
  const login = (u: string) => world.api<{ token: string }>('POST', '/api/login', { username: u, password: `${u}-password` }, null);
  viewerToken = (await login('wang')).body.token;
  dispatcherToken = (await login('li')).body.token;
  await world.provision({ id: 'SS-9', kind: 'substation' });
});
afterAll(() => world.close());

const room = { id: 'R-9', kind: 'room', name: '客厅', lat: 35.41, lng: 116.96, roomType: 'living', substationId: 'SS-9', address: '邹城' };

describe('login', () => {
  it('answers a wrong password and an unknown user alike: 401 HW_BAD_CREDENTIALS', async () => {
    for (const body of [{ username: 'admin', password: 'nope' }, { username: 'nobody', password: 'nope' }]) {
      const res = await world.api<ErrorBody>('POST', '/api/login', body, null);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('HW_BAD_CREDENTIALS');
    }
  });
  it('refuses a malformed body with 400 and says what is wrong', async () => {
    const res = await world.api<ErrorBody>('POST', '/api/login', { username: 'admin' }, null);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'HW_BAD_REQUEST' });
    expect(res.body.error.message).toContain('password');
  });
  it('issues a token that identifies the user and its role, and logout ends it', async () => {
    const login = await world.api<{ token: string; expiresAt: string; user: { role: string } }>('POST', '/api/login', { username: 'li', password: 'li-password' }, null);
    expect(login.body.user.role).toBe('dispatcher');
    expect(Date.parse(login.body.expiresAt)).toBeGreaterThan(Date.now() + 11 * 3_600_000);
    expect((await world.api('GET', '/api/me', undefined, login.body.token)).body).toMatchObject({ username: 'li', role: 'dispatcher' });
    expect((await world.api('POST', '/api/logout', undefined, login.body.token)).status).toBe(204);
    expect((await world.api('GET', '/api/me', undefined, login.body.token)).status).toBe(401);
  });
});

describe('deny by default', () => {
  it.each([
    ['GET', '/api/devices'],
    ['GET', '/api/devices/SS-9'],
    ['GET', '/api/devices/SS-9/readings'],
    ['POST', '/api/devices'],
    ['GET', '/api/rejections'],
    ['GET', '/api/users'],
  ])('%s %s without a token → 401', async (method, url) => {
    const res = await world.api<ErrorBody>(method, url, method === 'POST' ? room : undefined, null);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('HW_UNAUTHENTICATED');
  });
  it('a forged token → 401', async () => {
    expect((await world.api('GET', '/api/devices', undefined, 'forged')).status).toBe(401);
  });
  it('a viewer may look but not provision or manage users → 403', async () => {
    expect((await world.api('GET', '/api/devices', undefined, viewerToken)).status).toBe(200);
    const res = await world.api<ErrorBody>('POST', '/api/devices', room, viewerToken);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('HW_FORBIDDEN');
    expect((await world.api('POST', '/api/users', { username: 'x', password: 'x-password', role: 'admin' }, dispatcherToken)).status).toBe(403);
    expect((await world.api('GET', '/api/rejections', undefined, viewerToken)).status).toBe(403);
  });
  it('health is public and reveals nothing about devices or users', async () => {
    const res = await world.api<Record<string, unknown>>('GET', '/api/health', undefined, null);
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).not.toMatch(/SS-9|admin/);
  });
});

describe('provisioning', () => {
  it('returns the MQTT secret once and never again', async () => {
    const res = await world.api<{ id: string; mqtt: { username: string; password: string } }>('POST', '/api/devices', room);
    expect(res.status).toBe(201);
    expect(res.body.mqtt.username).toBe('R-9');
    expect(res.body.mqtt.password.length).toBeGreaterThanOrEqual(40);
    const again = await world.api('GET', '/api/devices/R-9');
    expect(JSON.stringify(again.body)).not.toContain(res.body.mqtt.password);
    expect(again.body).toMatchObject({ id: 'R-9', roomType: 'living', substationId: 'SS-9', intervalSec: 900, online: false, lastReading: null });
  });
  it('refuses a duplicate id with 409', async () => {
    const res = await world.api<ErrorBody>('POST', '/api/devices', room);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('HW_DEVICE_EXISTS');
  });
  it.each([
    ['a bad id', { ...room, id: 'R 9/x' }, 'id'],
    ['an unknown kind', { ...room, id: 'R-10', kind: 'boiler' }, 'kind'],
    ['latitude out of range', { ...room, id: 'R-10', lat: 135 }, 'lat'],
    ['a string for a number', { ...room, id: 'R-10', lng: '116.9' }, 'lng'],
    ['an unknown field', { ...room, id: 'R-10', secret: 'x' }, 'secret'],
    ['a room type on a substation', { id: 'S-10', kind: 'substation', name: 'x', lat: 35, lng: 116, roomType: 'living' }, 'roomType'],
  ])('refuses %s with 400 naming the field', async (_n, body, field) => {
    const res = await world.api<ErrorBody>('POST', '/api/devices', body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('HW_BAD_REQUEST');
    expect(res.body.error.message).toContain(field);
  });
  it('refuses a room under a substation that does not exist', async () => {
    const res = await world.api<ErrorBody>('POST', '/api/devices', { ...room, id: 'R-11', substationId: 'SS-404' });
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'HW_UNKNOWN_SUBSTATION' } } });
  });
  it('refuses malformed JSON with 400 in the same error shape', async () => {
    const res = await world.api<ErrorBody>('POST', '/api/devices', '{"id":');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('HW_BAD_REQUEST');
  });
});

describe('readings queries', () => {
  it.each([
    ['from=yesterday', 'from'],
    ['every=5x', 'every'],
    ['every=0s', 'every'],
    ['from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z', 'before'],
    ['from=2025-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&every=30s', 'buckets'],
    ['limit=0', 'limit'],
  ])('refuses %s with 400', async (query, word) => {
    const res = await world.api<ErrorBody>('GET', `/api/devices/SS-9/readings?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(word);
  });
  it('answers 404 for an unknown device', async () => {
    const res = await world.api<ErrorBody>('GET', '/api/devices/nope/readings');
    expect(res).toMatchObject({ status: 404, body: { error: { code: 'HW_NOT_FOUND' } } });
  });
});

describe('documentation', () => {
  it('serves the OpenAPI description and its UI at /docs', async () => {
    const spec = await fetch(`http://127.0.0.1:${world.app.httpPort}/docs/json`).then((r) => r.json() as Promise<{ paths: Record<string, unknown> }>);
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/login', '/api/devices', '/api/devices/{id}/readings', '/api/health']));
    // The schemas that validate a request are the ones documented: no hand-written copy to drift.
    type Op = { requestBody?: { content: Record<string, { schema: { properties: Record<string, { enum?: string[] }>; required?: string[] } }> }; parameters?: { name: string; in: string }[] };
    const paths = spec.paths as Record<string, Record<string, Op>>;
    const hotline = paths['/api/tickets']!.post!.requestBody!.content['application/json']!.schema;
    expect(hotline.properties.type!.enum).toEqual(['pipeline_accident', 'leak', 'repair', 'heating_quality', 'temp_drop', 'inquiry', 'staff_complaint', 'suggestion']);
    expect(hotline.required).toEqual(expect.arrayContaining(['type', 'description']));
    expect(paths['/api/devices/{id}/readings']!.get!.parameters!.map((p) => `${p.in}:${p.name}`)).toEqual(expect.arrayContaining(['query:from', 'query:every', 'query:format', 'path:id']));
    const ui = await fetch(`http://127.0.0.1:${world.app.httpPort}/docs`);
    expect(ui.status).toBe(200);
  });
  it('answers unknown API routes with the error shape', async () => {
    const res = await world.api<ErrorBody>('GET', '/api/nothing-here');
    expect(res).toMatchObject({ status: 404, body: { error: { code: 'HW_NOT_FOUND' } } });
  });
});

/**
 * The HTTP authentication hook for an external broker (EMQX 5's HTTP authenticator, issue 18):
 * HeatWatch answers a device's id and secret as EMQX documents the answer — allow with an ACL
 * to the device's own topics, deny, or ignore for ids it does not know — and only to a caller
 * holding the configured token. No EMQX runs here: the contract is EMQX's documented one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProvisionedDevice } from '../ingest/contracts/devices.ts';
import { startWorld, type TestWorld } from './support/heatwatch.ts';

const TOKEN = 'the-broker-auth-token-0123456789-abcdef';
let world: TestWorld;
let without: TestWorld;
let room: ProvisionedDevice;
let station: ProvisionedDevice;

beforeAll(async () => {
  world = await startWorld({ HEATWATCH_BROKER_AUTH_TOKEN: TOKEN });
  without = await startWorld();
  room = await world.provision({ id: 'R-HOOK-1' });
  station = await world.provision({ id: 'SS-HOOK', kind: 'substation' });
});
afterAll(async () => {
  await world?.close();
  await without?.close();
});

const ask = (w: TestWorld, body: unknown, token: string | null = TOKEN) =>
  fetch(`http://127.0.0.1:${w.app.httpPort}/api/broker/authenticate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('the broker authentication hook', () => {
  it("allows a device with its secret, to publish its own telemetry and status and nothing else", async () => {
    const res = await ask(world, { username: room.mqtt.username, password: room.mqtt.password, clientid: 'anything' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({
      result: 'allow',
      is_superuser: false,
      acl: [
        { permission: 'allow', action: 'publish', topic: 'heat/room/R-HOOK-1/telemetry' },
        { permission: 'allow', action: 'publish', topic: 'heat/room/R-HOOK-1/status' },
        { permission: 'deny', action: 'all', topic: '#' },
      ],
    });
    const substation = (await (await ask(world, { username: station.mqtt.username, password: station.mqtt.password })).json()) as { acl: { topic: string }[] };
    expect(substation.acl[0]!.topic).toBe('heat/substation/SS-HOOK/telemetry');
  });

  it("denies a device's id with another device's secret, and leaves an unknown id to the broker's next authenticator", async () => {
    expect(await (await ask(world, { username: room.mqtt.username, password: station.mqtt.password })).json()).toEqual({ result: 'deny' });
    expect(await (await ask(world, { username: 'heatwatch-ingest', password: 'whatever' })).json()).toEqual({ result: 'ignore' });
  });

  it('answers only the broker holding the token, refuses a malformed or huge request, and does not exist unless configured', async () => {
    expect((await ask(world, { username: room.mqtt.username, password: room.mqtt.password }, null)).status).toBe(401);
    expect((await ask(world, { username: room.mqtt.username, password: room.mqtt.password }, `${TOKEN}x`)).status).toBe(401);
    expect((await ask(world, { username: room.mqtt.username })).status).toBe(400);
    expect((await ask(world, JSON.stringify({ username: room.mqtt.username, password: 'x'.repeat(10_000) }))).status).toBe(413);
    expect((await ask(without, { username: room.mqtt.username, password: room.mqtt.password })).status).toBe(404);
  });
});

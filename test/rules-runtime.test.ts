/**
 * The rules inside a running HeatWatch, across what the pure core cannot see: a restart in the
 * middle of an episode, and a device whose messages are refused as garbage but keep coming.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ticket, TimelineEntry } from '../ingest/contracts/tickets.ts';
import { eventually, heatingAllYear, startWorld, type TestWorld } from './support/heatwatch.ts';

let world: TestWorld;
beforeAll(async () => {
  world = await startWorld(heatingAllYear());
});
afterAll(() => world.close());

const MIN = 60_000;
const ticketsOf = async (deviceId: string) => (await world.api<{ tickets: Ticket[] }>('GET', `/api/tickets?deviceId=${deviceId}`)).body.tickets;

describe('rules runtime', () => {
  it('marks a cold room recovered after a restart in the middle of its episode', async () => {
    const room = await world.provision({ id: 'R-RESTART', roomType: 'bedroom' });
    const start = Date.now() - 3 * 60 * MIN;
    const series = (from: number, count: number, temp: number) => Array.from({ length: count }, (_, i) => ({ ts: from + i * 5 * MIN, temp }));
    let client = await world.connect(room);
    await client.publishAsync('heat/room/R-RESTART/telemetry', JSON.stringify(series(start, 9, 16.5)), { qos: 1 });
    const opened = await eventually(async () => (await ticketsOf('R-RESTART')).find((t) => t.type === 'room_temp_low'), 10_000);
    expect(opened.recoveredAt).toBeNull();
    // Stored as facts (the dashboard says them in Chinese or English), not as a sentence.
    expect(opened).toMatchObject({ description: '', facts: [{ fact: 'room_low', tempC: 16.5, belowC: 18, forMs: 30 * MIN, lowestC: 16.5 }] });

    await world.restart();
    client = await world.connect(room);
    // Warm again for 40 min after the cold spell: the restarted engine must know the episode is open.
    await client.publishAsync('heat/room/R-RESTART/telemetry', JSON.stringify(series(start + 60 * MIN, 9, 19.2)), { qos: 1 });
    const recovered = await eventually(async () => (await ticketsOf('R-RESTART')).find((t) => t.id === opened.id && t.recoveredAt !== null), 10_000);
    expect(recovered.status).toBe('open'); // a person closes it
    const timeline = (await world.api<{ timeline: TimelineEntry[] }>('GET', `/api/tickets/${opened.id}`)).body.timeline;
    expect(timeline.find((e) => e.action === 'recovered')?.data).toMatchObject({ facts: [{ fact: 'room_warm_again', tempC: 19.2, recoverAtC: 18.5 }] });
    expect((await ticketsOf('R-RESTART')).filter((t) => t.type === 'room_temp_low')).toHaveLength(1);
  });

  it('does not call a device offline while it keeps sending, even if what it sends is garbage', async () => {
    // Both report every second: three silent seconds make a device offline. Both send one good
    // reading; then one falls silent and the other sends only garbage.
    const station = await world.provision({ id: 'SS-GARBAGE', kind: 'substation', intervalSec: 1 });
    const silent = await world.provision({ id: 'SS-SILENT', kind: 'substation', intervalSec: 1 });
    const client = await world.connect(station);
    const control = await world.connect(silent);
    const good = JSON.stringify({ ts: Date.now(), supplyTemp: 90, returnTemp: 50 });
    await Promise.all([client.publishAsync('heat/substation/SS-GARBAGE/telemetry', good, { qos: 1 }), control.publishAsync('heat/substation/SS-SILENT/telemetry', good, { qos: 1 })]);
    await control.endAsync();
    // Garbage every half second, until the offline rule has plainly run: the silent one is offline.
    const silentOffline = async () => (await ticketsOf('SS-SILENT')).some((t) => t.type === 'sensor_offline');
    while (!(await silentOffline())) {
      await client.publishAsync('heat/substation/SS-GARBAGE/telemetry', '{"supplyTemp": "hot"', { qos: 1 });
      await new Promise((r) => setTimeout(r, 500));
    }
    expect((await ticketsOf('SS-GARBAGE')).map((t) => t.type)).not.toContain('sensor_offline');
    // Silence is still noticed: stop sending and it goes offline (the offline rule looks every 15 s).
    await eventually(async () => (await ticketsOf('SS-GARBAGE')).find((t) => t.type === 'sensor_offline'), 30_000);
  }, 90_000);
});

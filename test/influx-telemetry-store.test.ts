/** The InfluxDB adapter against a real influxd (Debian's 1.6, v1 API): the shared contract. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInfluxTarget } from '../ingest/adapters/influx/influx-telemetry-store.ts';
import { toLine } from '../ingest/adapters/influx/line-protocol.ts';
import { startInfluxd, type Influxd } from '../simulators/local-influxd.ts';
import { describeTelemetryStoreContract } from './support/telemetry-store-contract.ts';

let influxd: Influxd;
let n = 0;
beforeAll(async () => {
  influxd = await startInfluxd();
});
afterAll(() => influxd?.stop());

describeTelemetryStoreContract('influxdb', async () => {
  const target = createInfluxTarget({ url: influxd.url, db: `contract_${++n}`, substationOf: () => 'SS-1' });
  await target.ensureDatabase();
  return { store: target.store, close: () => target.store.close() };
});

describe('influxdb specifics', () => {
  it('writes one measurement per kind with device, kind and substation as tags', async () => {
    const target = createInfluxTarget({ url: influxd.url, db: 'schema', substationOf: (id) => (id === 'R-1' ? 'SS-7' : null) });
    await target.ensureDatabase();
    const ts = Date.now() - 60_000;
    await target.store.write([
      { deviceId: 'R-1', kind: 'room', ts, values: { temp: 20, humidity: 40.5 } },
      { deviceId: 'SS-7', kind: 'substation', ts, values: { supplyTemp: 90, returnTemp: 50 } },
    ]);
    const q = (s: string) => fetch(`${influxd.url}/query?db=schema&epoch=ms&q=${encodeURIComponent(s)}`).then((r) => r.json() as Promise<{ results: { series?: { name: string; values: unknown[][] }[] }[] }>);
    expect((await q('SHOW MEASUREMENTS')).results[0]!.series![0]!.values.flat()).toEqual(['room', 'substation']);
    const tags = await q('SHOW TAG VALUES FROM "room" WITH KEY IN ("deviceId", "kind", "substationId")');
    expect(tags.results[0]!.series![0]!.values).toEqual([
      ['deviceId', 'R-1'],
      ['kind', 'room'],
      ['substationId', 'SS-7'],
    ]);
    const fields = await q('SHOW FIELD KEYS FROM "room"');
    expect(fields.results[0]!.series![0]!.values).toEqual(expect.arrayContaining([['temp', 'float'], ['humidity', 'float']]));
    // A substation is its own station.
    const station = await q('SHOW TAG VALUES FROM "substation" WITH KEY = "substationId"');
    expect(station.results[0]!.series![0]!.values).toEqual([['substationId', 'SS-7']]);
    await target.store.close();
  });

  it('escapes tag values and keeps integers as floats in line protocol', () => {
    expect(toLine({ deviceId: 'R-1', kind: 'room', ts: 1, values: { temp: 20, humidity: 40.5 } }, 'S 1,x')).toBe(
      'room,deviceId=R-1,kind=room,substationId=S\\ 1\\,x temp=20.0,humidity=40.5 1',
    );
  });

  it('authenticates with username and password on a 1.x server with auth on, and fails without', async () => {
    const secured = await startInfluxd({ auth: 'influx-admin-pw' });
    try {
      const target = createInfluxTarget({ url: secured.url, db: 'secured', username: 'admin', password: 'influx-admin-pw', substationOf: () => null });
      await target.ensureDatabase();
      const ts = Date.now() - 1000;
      await target.store.write([{ deviceId: 'R-9', kind: 'room', ts, values: { temp: 21 } }]);
      expect(await target.store.read({ deviceId: 'R-9', kind: 'room', from: ts, to: ts + 1, limit: 5 })).toEqual([{ ts, values: { temp: 21 } }]);
      await target.store.close();
      const anonymous = createInfluxTarget({ url: secured.url, db: 'secured', substationOf: () => null });
      await expect(anonymous.writeLines(['room,deviceId=R-9,kind=room temp=1.0 1'])).rejects.toThrow();
      const wrong = createInfluxTarget({ url: secured.url, db: 'secured', username: 'admin', password: 'nope', substationOf: () => null });
      await expect(wrong.store.read({ deviceId: 'R-9', kind: 'room', from: 0, to: ts + 1, limit: 5 })).rejects.toThrow();
      await anonymous.store.close();
      await wrong.store.close();
    } finally {
      await secured.stop();
    }
  });

  it('refuses to write to an unreachable server, so the outbox keeps the lines', async () => {
    const target = createInfluxTarget({ url: 'http://127.0.0.1:9', db: 'x', substationOf: () => null, timeoutMs: 2000 });
    await expect(target.writeLines(['room,deviceId=R,kind=room temp=1.0 1'])).rejects.toThrow();
    await target.store.close();
  });
});

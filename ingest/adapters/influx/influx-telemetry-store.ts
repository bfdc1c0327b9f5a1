/**
 * Telemetry in InfluxDB through @influxdata/influxdb-client, on the paths every InfluxDB has
 * (DESIGN.md §6): line protocol POSTed to /write?db=…&precision=ms and InfluxQL on
 * /query?db=…&epoch=ms, both through the client's public transport (its auth header, timeout,
 * gzip and errors). That serves 1.x (1.6 here), 1.8, 2.x ≥ 2.4 (bucket = db, token) and 3.x
 * alike. The client's WriteApi is not used: it writes to the 2.x-only /api/v2/write, and its
 * in-memory retry buffer would drop lines when full — HeatWatch's outbox retries, on disk.
 */
import { InfluxDB, setLogger } from '@influxdata/influxdb-client';
import { FIELDS_BY_KIND, type FieldName, type Reading } from '../../contracts/payloads.ts';
import type { DailyMean, ReadingRow, ReadingsQuery, StoreHealth, TelemetryStore } from '../../ports/telemetry-store.ts';
import { toLine } from './line-protocol.ts';
import { BEIJING_UTC_OFFSET_MS, DAY_MS } from '../../contracts/beijing-time.ts';

// The client logs every failed write to the console; HeatWatch logs outages itself, once.
setLogger({ error: () => undefined, warn: () => undefined });

export interface InfluxOptions {
  url: string;
  db: string;
  /** 2.x / 3.x. */
  token?: string;
  /** 1.x with authentication. */
  username?: string;
  password?: string;
  /** The substation a device belongs to, for the tag. */
  substationOf: (deviceId: string) => string | null;
  timeoutMs?: number;
}

interface InfluxQlResponse {
  results?: { error?: string; series?: { tags?: Record<string, string>; columns: string[]; values: (number | string | null)[][] }[] }[];
  error?: string;
}

const CHUNK = 5000;

export interface InfluxTarget {
  store: TelemetryStore;
  /** The lines a batch of readings becomes. */
  toLines(readings: readonly Reading[]): string[];
  /** Writes lines; resolves only once InfluxDB answered 204. */
  writeLines(lines: readonly string[]): Promise<void>;
  /** Creates the database where the server allows it (1.x); a no-op answer elsewhere. */
  ensureDatabase(): Promise<void>;
}

export function createInfluxTarget(o: InfluxOptions): InfluxTarget {
  const client = new InfluxDB({ url: o.url, token: o.token, timeout: o.timeoutMs ?? 10_000 });
  const credentials = o.username ? `&u=${encodeURIComponent(o.username)}&p=${encodeURIComponent(o.password ?? '')}` : '';
  const db = encodeURIComponent(o.db);

  const writePath = `/write?db=${db}&precision=ms${credentials}`;
  // One attempt per call: the outbox is the retry buffer (STACK.md).
  const writeOptions = { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8' }, gzipThreshold: 64 * 1024 } as const;

  async function influxQl(q: string, method: 'GET' | 'POST' = 'GET'): Promise<InfluxQlResponse> {
    const path = `/query?db=${db}&epoch=ms${credentials}&q=${encodeURIComponent(q)}`;
    const res = (await client.transport.request(path, null, { method })) as InfluxQlResponse;
    const error = res.error ?? res.results?.find((r) => r.error)?.error;
    if (error) throw new Error(`InfluxQL: ${error}`);
    return res;
  }

  const toLines = (readings: readonly Reading[]) => readings.map((r) => toLine(r, o.substationOf(r.deviceId)));

  let lastError: string | null = null;
  async function writeLines(lines: readonly string[]): Promise<void> {
    try {
      for (let i = 0; i < lines.length; i += CHUNK) {
        await client.transport.request(writePath, lines.slice(i, i + CHUNK).join('\n'), writeOptions);
      }
      lastError = null;
    } catch (err) {
      lastError = (err as Error).message;
      throw err;
    }
  }

  function rows(res: InfluxQlResponse, fields: readonly FieldName[]): ReadingRow[] {
    const series = res.results?.[0]?.series?.[0];
    return series ? seriesRows(series, fields) : [];
  }

  function seriesRows(series: NonNullable<NonNullable<InfluxQlResponse['results']>[number]['series']>[number], fields: readonly FieldName[]): ReadingRow[] {
    const time = series.columns.indexOf('time');
    const columns = fields.map((f) => [f, series.columns.indexOf(f)] as const).filter(([, i]) => i >= 0);
    return series.values.map((v) => {
      const values: Partial<Record<FieldName, number>> = {};
      for (const [f, i] of columns) if (typeof v[i] === 'number') values[f] = v[i] as number;
      return { ts: v[time] as number, values };
    });
  }

  const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

  const store: TelemetryStore = {
    name: 'influxdb',
    write: (readings) => writeLines(toLines(readings)),
    async read(q: ReadingsQuery) {
      const fields = FIELDS_BY_KIND[q.kind];
      const where = `"deviceId" = ${quote(q.deviceId)} AND time >= ${q.from}ms AND time < ${q.to}ms`;
      if (!q.everyMs) {
        const list = fields.map((f) => `"${f}"`).join(', ');
        return rows(await influxQl(`SELECT ${list} FROM "${q.kind}" WHERE ${where} ORDER BY time ASC LIMIT ${q.limit}`), fields);
      }
      // Buckets start at Asia/Shanghai midnight, as in the SQLite store (GROUP BY time's offset).
      const offset = (((-BEIJING_UTC_OFFSET_MS) % q.everyMs) + q.everyMs) % q.everyMs;
      const means = fields.map((f) => `mean("${f}") AS "${f}"`).join(', ');
      const sql = `SELECT ${means} FROM "${q.kind}" WHERE ${where} GROUP BY time(${q.everyMs}ms, ${offset}ms) fill(none) ORDER BY time ASC LIMIT ${q.limit}`;
      return rows(await influxQl(sql), fields).filter((r) => Object.keys(r.values).length > 0);
    },
    async recent({ kind, from, to, limit }) {
      const fields = FIELDS_BY_KIND[kind];
      const list = fields.map((f) => `"${f}"`).join(', ');
      const res = await influxQl(`SELECT ${list} FROM "${kind}" WHERE time >= ${from}ms AND time < ${to}ms GROUP BY "deviceId" ORDER BY time ASC LIMIT ${limit}`);
      const out: Reading[] = [];
      for (const series of res.results?.[0]?.series ?? []) {
        const deviceId = series.tags?.deviceId;
        if (deviceId !== undefined) for (const row of seriesRows(series, fields)) out.push({ deviceId, kind, ...row });
      }
      // LIMIT counts per device in InfluxQL: the oldest `limit` of them all, as the port says.
      return out.sort((a, b) => a.ts - b.ts || a.deviceId.localeCompare(b.deviceId)).slice(0, limit);
    },
    async dailyMeans(q) {
      if (!FIELDS_BY_KIND[q.kind].includes(q.field)) throw new Error(`${q.kind} readings have no field ${q.field}`);
      // Hourly means first, then per Beijing day: the hours with a value and the mean of the
      // hourly means (equal to the mean of the readings when they are evenly spaced).
      const range = `time >= ${q.from}ms AND time < ${q.to}ms`;
      const offset = (((-BEIJING_UTC_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS;
      const sql =
        `SELECT count("m") AS hours, mean("m") AS mean FROM (SELECT mean("${q.field}") AS m FROM "${q.kind}" WHERE ${range} GROUP BY time(1h), "deviceId") ` +
        `WHERE ${range} GROUP BY time(1d, ${offset}ms), "deviceId" fill(none)`;
      const wanted = new Set(q.deviceIds);
      const out: DailyMean[] = [];
      for (const series of (await influxQl(sql)).results?.[0]?.series ?? []) {
        const deviceId = series.tags?.deviceId;
        if (deviceId === undefined || !wanted.has(deviceId)) continue;
        const [time, hours, mean] = ['time', 'hours', 'mean'].map((c) => series.columns.indexOf(c)) as [number, number, number];
        for (const v of series.values) {
          if (typeof v[mean] !== 'number') continue;
          out.push({ deviceId, date: new Date((v[time] as number) + BEIJING_UTC_OFFSET_MS).toISOString().slice(0, 10), hours: v[hours] as number, mean: v[mean] as number });
        }
      }
      return out;
    },
    async applyRetention() {
      // Retention in InfluxDB is the database's retention policy / the bucket's retention
      // period, set by the operator (docs/operations.md).
      return { rolledUp: 0, deleted: 0 };
    },
    health: (): StoreHealth => (lastError ? { state: 'degraded', backlog: 0, detail: `last write failed: ${lastError}` } : { state: 'ok', backlog: 0 }),
    async close() {
      // Every write was awaited: nothing is buffered in the client.
    },
  };

  return {
    store,
    toLines,
    writeLines,
    async ensureDatabase() {
      try {
        await influxQl(`CREATE DATABASE "${o.db.replace(/"/g, '\\"')}"`, 'POST');
      } catch {
        // 2.x and 3.x manage buckets/databases themselves; a missing one shows at first write.
      }
    },
  };
}

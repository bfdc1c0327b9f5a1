/**
 * The durable outbox in front of InfluxDB. A batch is acknowledged once it is in a local SQLite
 * file (one transaction, WAL); a forwarder ships the oldest lines to InfluxDB in order and
 * deletes them only after InfluxDB answered. InfluxDB down for an hour, HeatWatch killed with
 * SIGKILL meanwhile: on restart the forwarder carries on where it stopped. A line sent twice
 * (killed between InfluxDB's answer and the delete) overwrites the same point: no duplicates.
 * The backlog is bounded; past the bound, writes are refused so the sensors keep their readings.
 */
import type { Logger } from 'pino';
import type { Reading } from '../../contracts/payloads.ts';
import type { StoreHealth, TelemetryStore } from '../../ports/telemetry-store.ts';
import type { InfluxTarget } from '../influx/influx-telemetry-store.ts';
import type { Db } from '../sqlite/open-database.ts';
import { AppError } from '../../errors.ts';

export interface OutboxOptions {
  /** The outbox's own SQLite file; the store closes it. */
  db: Db;
  target: InfluxTarget;
  /** Readings the outbox may hold before refusing new ones. */
  maxBacklog: number;
  /** Backlog at which health turns degraded and the log raises an alarm. */
  alarmBacklog: number;
  logger: Logger;
  /** Lines per InfluxDB write. */
  batch?: number;
  onDelivered?: (readings: number, seconds: number) => void;
}

export class OutboxFullError extends AppError {
  constructor(backlog: number) {
    super('HW_OUTBOX_FULL', `outbox full: ${backlog} readings wait for InfluxDB`);
  }
}

export function createOutboxTelemetryStore(o: OutboxOptions): TelemetryStore & { drain(timeoutMs: number): Promise<boolean> } {
  const { db, target, logger } = o;
  const log = logger.child({ component: 'outbox' });
  const batchSize = o.batch ?? 5000;
  db.exec('CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY, line TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO outbox (line) VALUES (?)');
  const oldest = db.prepare('SELECT seq, line FROM outbox ORDER BY seq LIMIT ?').raw(true);
  const remove = db.prepare('DELETE FROM outbox WHERE seq <= ?');
  const insertAll = db.transaction((lines: string[]) => {
    for (const line of lines) insert.run(line);
  });

  let backlog = (db.prepare('SELECT COUNT(*) FROM outbox').pluck().get() as number) ?? 0;
  let down: { since: number; error: string } | null = null;
  let alarmed = false;
  let closed = false;
  let wake: (() => void) | null = null;
  if (backlog > 0) log.info({ backlog }, 'outbox has readings from before the restart: delivering them first');

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        wake = null;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(timer);
        wake = null;
        resolve();
      };
    });

  function checkAlarm(): void {
    if (!alarmed && backlog >= o.alarmBacklog) {
      alarmed = true;
      log.error({ backlog, alarmAt: o.alarmBacklog, max: o.maxBacklog }, 'outbox backlog is growing: InfluxDB is not keeping up or is down');
    } else if (alarmed && backlog < o.alarmBacklog / 2) {
      alarmed = false;
      log.info({ backlog }, 'outbox backlog back to normal');
    }
  }

  async function forward(): Promise<void> {
    let delay = 250;
    while (!closed) {
      const rows = oldest.all(batchSize) as [number, string][];
      if (rows.length === 0) {
        await sleep(1000);
        continue;
      }
      const started = performance.now();
      try {
        await target.writeLines(rows.map((r) => r[1]));
      } catch (err) {
        if (!down) {
          down = { since: Date.now(), error: (err as Error).message };
          log.error({ err: (err as Error).message, backlog }, 'InfluxDB unreachable: readings are kept in the outbox until it is back');
        }
        await sleep(delay);
        // Short enough that a restarted InfluxDB is noticed within seconds.
        delay = Math.min(delay * 2, 5_000);
        continue;
      }
      remove.run(rows[rows.length - 1]![0]);
      backlog -= rows.length;
      o.onDelivered?.(rows.length, (performance.now() - started) / 1000);
      if (down) {
        log.info({ downSeconds: Math.round((Date.now() - down.since) / 1000), backlog }, 'InfluxDB reachable again: delivering the backlog');
        down = null;
      }
      delay = 250;
      checkAlarm();
    }
  }

  const forwarding = forward();

  return {
    name: 'influxdb',

    async write(readings: readonly Reading[]) {
      if (readings.length === 0) return;
      if (backlog + readings.length > o.maxBacklog) {
        checkAlarm();
        throw new OutboxFullError(backlog);
      }
      insertAll(target.toLines(readings));
      backlog += readings.length;
      checkAlarm();
      wake?.();
    },

    read: (q) => target.store.read(q),
    // What the outbox still holds is not in it: a new leader's look back may miss the last seconds.
    recent: (q) => target.store.recent(q),
    dailyMeans: (q) => target.store.dailyMeans(q),
    applyRetention: (now) => target.store.applyRetention(now),

    health(): StoreHealth {
      if (down) return { state: 'degraded', backlog, detail: `InfluxDB unreachable since ${new Date(down.since).toISOString()}: ${down.error}` };
      if (backlog >= o.alarmBacklog) return { state: 'degraded', backlog, detail: `outbox backlog ${backlog} ≥ ${o.alarmBacklog}` };
      return { state: 'ok', backlog };
    },

    /** Delivers what waits, for up to `timeoutMs`; true when the outbox is empty. */
    async drain(timeoutMs: number): Promise<boolean> {
      const deadline = Date.now() + timeoutMs;
      while (backlog > 0 && Date.now() < deadline && !down) {
        wake?.();
        await new Promise((r) => setTimeout(r, 50));
      }
      return backlog === 0;
    },

    async close() {
      closed = true;
      wake?.();
      await forwarding;
      await target.store.close();
      db.close();
    },
  };
}

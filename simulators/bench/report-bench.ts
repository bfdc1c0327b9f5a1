/**
 * The monthly report at city scale (issue 13's target: a month of 10 000 rooms at one reading
 * per 15 min reports in under 5 s): fills a fresh SQLite file through the telemetry store's own
 * write path, then times GET /api/reports' work for that month. Run alone:
 * `node --import tsx simulators/bench/report-bench.ts [--rooms N]`, or as part of `npm run bench`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { addDays, localMidnight } from '../../ingest/contracts/beijing-time.ts';
import type { Reading } from '../../ingest/contracts/payloads.ts';
import { openDatabase } from '../../ingest/adapters/sqlite/open-database.ts';
import { createSqliteDeviceRegistry } from '../../ingest/adapters/sqlite/sqlite-device-registry.ts';
import { createSqliteTelemetryStore } from '../../ingest/adapters/sqlite/sqlite-telemetry-store.ts';
import { createSqliteTicketStore } from '../../ingest/adapters/sqlite/sqlite-ticket-store.ts';
import { createRulesConfigSource } from '../../ingest/services/rules-config-source.ts';
import { createReportService } from '../../ingest/services/report-service.ts';

export interface ReportBench {
  rooms: number;
  readings: number;
  fillSeconds: number;
  /** The first report of the month: every room-day computed from the readings (and kept). */
  coldSeconds: number;
  /** The same report again, the days now kept (what the nightly judging of yesterday leaves a manager). */
  reportSeconds: number;
  complianceRate: number | null;
}

const WORKDAYS = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../ingest/core/calendar/cn-workdays.json');

/** A December (in season, over): 31 days of `rooms` bedrooms every 15 min. */
export async function benchMonthlyReport(o: { rooms: number; log: (line: string) => void }): Promise<ReportBench> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heatwatch-report-bench-'));
  const db = openDatabase(dir);
  try {
    const registry = createSqliteDeviceRegistry(db);
    const store = createSqliteTelemetryStore(db, { rawRetentionDays: 3650, aggregateRetentionDays: 3650 });
    const substations = Math.ceil(o.rooms / 50);
    const createdAt = new Date().toISOString();
    for (let s = 0; s < substations; s++) {
      await registry.insert({ id: `BS-${s}`, kind: 'substation', name: `站 ${s}`, lat: 35.4, lng: 116.97, address: '', roomType: null, substationId: null, intervalSec: 60, createdAt }, 'bench');
    }
    for (let r = 0; r < o.rooms; r++) {
      await registry.insert({ id: `BR-${r}`, kind: 'room', name: `房 ${r}`, lat: 35.4, lng: 116.97, address: '', roomType: 'bedroom', substationId: `BS-${r % substations}`, intervalSec: 900, createdAt }, 'bench');
    }
    const year = new Date().getUTCFullYear() - 1;
    const from = `${year}-12-01`;
    const to = `${year}-12-31`;
    const start = localMidnight(from);
    const end = localMidnight(addDays(to, 1));
    const started = performance.now();
    let readings = 0;
    // Room by room, a day at a time (96 readings), in batches of ~50 000 like the group commit.
    let batch: Reading[] = [];
    for (let r = 0; r < o.rooms; r++) {
      // Most rooms warm, one in twenty a degree short: a rate below 100 %.
      const base = r % 20 === 0 ? 17.2 : 20.5;
      for (let ts = start; ts < end; ts += 15 * 60_000) {
        batch.push({ deviceId: `BR-${r}`, kind: 'room', ts, values: { temp: base + Math.sin(ts / 3_600_000) * 0.5 } });
        if (batch.length >= 50_000) {
          await store.write(batch);
          readings += batch.length;
          batch = [];
        }
      }
      if (r % 1000 === 999) o.log(`report bench: ${r + 1} rooms written (${readings} readings)`);
    }
    await store.write(batch);
    readings += batch.length;
    const fillSeconds = (performance.now() - started) / 1000;

    const logger = pino({ level: 'silent' });
    const rules = createRulesConfigSource({ workdaysFile: WORKDAYS, logger });
    const tickets = createSqliteTicketStore(db);
    const reports = createReportService({ store, registry, tickets, outages: { forReport: async () => [] }, rules });
    const t0 = performance.now();
    const cold = await reports.report({ from, to });
    const coldSeconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    const { report } = await reports.report({ from, to });
    const reportSeconds = (performance.now() - t1) / 1000;
    rules.close();
    if (JSON.stringify(cold.report.rooms) !== JSON.stringify(report.rooms)) throw new Error('the kept daily means gave other figures than the readings');
    o.log(
      `report bench: ${o.rooms} rooms × 31 days (${readings} readings, filled in ${fillSeconds.toFixed(0)} s): first report ${coldSeconds.toFixed(2)} s (computed from the readings), ` +
        `again ${reportSeconds.toFixed(2)} s (days kept), ${report.rooms.roomDays} room-days, compliance ${report.rooms.complianceRate?.toFixed(4)}`,
    );
    return { rooms: o.rooms, readings, fillSeconds, coldSeconds, reportSeconds, complianceRate: report.rooms.complianceRate };
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf('--rooms');
  const rooms = i > 0 ? Number(process.argv[i + 1]) : 10_000;
  await benchMonthlyReport({ rooms, log: (line) => console.log(line) });
}

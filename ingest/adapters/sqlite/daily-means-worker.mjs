/**
 * Daily means for the reports, off the main thread: a month of a city's rooms is tens of
 * millions of rows, and scanning them on the event loop would hold every PUBACK and HTTP answer
 * for seconds. Each worker opens the file read-only (WAL lets it read beside the writer) and
 * takes a share of the devices: one index range per device-day, no GROUP BY (SQLite would sort
 * to group by a computed day), and the retention's hourly roll-ups per device.
 * Plain JavaScript, so it runs the same under tsx, vitest and a compiled build.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { file, kind, field, deviceIds, from, to, offsetMs, hourMs, dayMs } = workerData;
const db = new Database(file, { readonly: true, fileMustExist: true });
try {
  const raw = db
    .prepare(`SELECT COUNT(DISTINCT ts / ${hourMs}), COUNT("${field}"), SUM("${field}") FROM readings_${kind} WHERE device_id = ? AND ts >= ? AND ts < ? AND "${field}" IS NOT NULL`)
    .raw(true);
  const rolled = db
    .prepare(`SELECT (bucket + ${offsetMs}) / ${dayMs}, COUNT(*), SUM(n), SUM(mean * n) FROM readings_hourly WHERE device_id = ? AND field = '${field}' AND bucket >= ? AND bucket < ? GROUP BY 1`)
    .raw(true);
  const out = [];
  db.transaction(() => {
    for (const deviceId of deviceIds) {
      const rolledDays = new Map();
      for (const [day, hours, n, total] of rolled.all(deviceId, from, to)) rolledDays.set(day, [hours, n, total]);
      for (let start = from; start < to; start += dayMs) {
        const [rawHours, rawN, rawTotal] = raw.get(deviceId, start, start + dayMs);
        const [rolledHours, rolledN, rolledTotal] = rolledDays.get((start + offsetMs) / dayMs) ?? [0, 0, 0];
        const n = rawN + rolledN;
        if (n === 0) continue;
        out.push({ deviceId, date: new Date(start + offsetMs).toISOString().slice(0, 10), hours: rawHours + rolledHours, mean: ((rawTotal ?? 0) + rolledTotal) / n });
      }
    }
  })();
  parentPort.postMessage({ days: out });
} catch (err) {
  parentPort.postMessage({ error: err instanceof Error ? err.message : String(err) });
} finally {
  db.close();
}

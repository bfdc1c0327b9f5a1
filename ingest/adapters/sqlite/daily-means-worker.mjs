/**
 * Daily means for the reports, off the main thread: a month of a city's rooms is tens of
 * millions of rows, and scanning them on the event loop would hold every PUBACK and HTTP answer
 * for seconds. Each worker opens the file read-only (WAL lets it read beside the writer) and
 * takes a share of the devices. A day already judged comes from daily_means; any other is
 * computed with one index range per device-day, no GROUP BY (SQLite would sort to group by a
 * computed day), plus the retention's hourly roll-ups per device — and a day that is over is
 * handed back to be kept in daily_means (the main thread writes; this connection only reads).
 * Plain JavaScript, so it runs the same under tsx, vitest and a compiled build.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { file, kind, field, deviceIds, from, to, finishedBefore, offsetMs, hourMs, dayMs } = workerData;
const db = new Database(file, { readonly: true, fileMustExist: true });
const dayOf = (ms) => (ms + offsetMs) / dayMs;
try {
  const kept = db.prepare(`SELECT day, hours, mean FROM daily_means WHERE device_id = ? AND field = '${field}' AND day >= ? AND day < ?`).raw(true);
  const raw = db
    .prepare(`SELECT COUNT(DISTINCT ts / ${hourMs}), COUNT("${field}"), SUM("${field}") FROM readings_${kind} WHERE device_id = ? AND ts >= ? AND ts < ? AND "${field}" IS NOT NULL`)
    .raw(true);
  const rolled = db
    .prepare(`SELECT (bucket + ${offsetMs}) / ${dayMs}, COUNT(*), SUM(n), SUM(mean * n) FROM readings_hourly WHERE device_id = ? AND field = '${field}' AND bucket >= ? AND bucket < ? GROUP BY 1`)
    .raw(true);
  const days = [];
  const fresh = [];
  db.transaction(() => {
    for (const deviceId of deviceIds) {
      const keptDays = new Map();
      for (const [day, hours, mean] of kept.all(deviceId, dayOf(from), dayOf(to))) keptDays.set(day, [hours, mean]);
      let rolledDays = null;
      for (let start = from; start < to; start += dayMs) {
        const day = dayOf(start);
        const date = new Date(start + offsetMs).toISOString().slice(0, 10);
        const known = keptDays.get(day);
        if (known) {
          if (known[1] !== null) days.push({ deviceId, date, hours: known[0], mean: known[1] });
          continue;
        }
        if (rolledDays === null) {
          rolledDays = new Map();
          for (const [d, hours, n, total] of rolled.all(deviceId, from, to)) rolledDays.set(d, [hours, n, total]);
        }
        const [rawHours, rawN, rawTotal] = raw.get(deviceId, start, start + dayMs);
        const [rolledHours, rolledN, rolledTotal] = rolledDays.get(day) ?? [0, 0, 0];
        const n = rawN + rolledN;
        const hours = rawHours + rolledHours;
        const mean = n === 0 ? null : ((rawTotal ?? 0) + rolledTotal) / n;
        if (start + dayMs <= finishedBefore) fresh.push([deviceId, day, hours, mean]);
        if (mean !== null) days.push({ deviceId, date, hours, mean });
      }
    }
  })();
  parentPort.postMessage({ days, fresh });
} catch (err) {
  parentPort.postMessage({ error: err instanceof Error ? err.message : String(err) });
} finally {
  db.close();
}

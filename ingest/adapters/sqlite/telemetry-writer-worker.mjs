/**
 * The embedded store's writer of readings, on a thread of its own (issue 19): the row inserts of
 * a group commit (~5 µs a reading, a third of the event loop's work per single-reading message)
 * run here, on the second core, while the main thread parses and checks the next messages. It
 * owns a connection of its own to the same file (WAL: the main thread's connection reads beside
 * it; the few other writers there wait on the busy timeout for the commit of one batch).
 *
 * Messages in: `{ id, parts: [{ kind, ids, data }], late: [[deviceId, day], …] }` — per device
 * kind the device ids and a Float64Array of rows (ts, then the kind's fields in order; NaN for
 * a field the reading did not carry); `late` the device-days that are over and got a reading,
 * whose kept daily means are stale. One transaction per message; answers `{ id }` once it is
 * committed, or `{ id, error }`. `{ close: true }` closes the connection and ends the thread.
 * Plain JavaScript, so it runs the same under tsx, vitest and a compiled build.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/** @type {{ file: string, fieldsByKind: Record<string, string[]> }} */
const { file, fieldsByKind } = workerData;
const db = new Database(file, { fileMustExist: true });
db.pragma('synchronous = NORMAL');
// The main connection's longest transactions (the retention's hourly roll-up, a report's kept
// days) hold the lock for a while; a batch waits for them rather than fail and be sent again.
db.pragma('busy_timeout = 30000');

const inserts = new Map();
for (const [kind, fields] of Object.entries(fieldsByKind)) {
  const cols = fields.map((f) => `"${f}"`).join(', ');
  const statement = db.prepare(`INSERT OR IGNORE INTO readings_${kind} (device_id, ts, ${cols}) VALUES (${fields.map(() => '?').join(', ')}, ?, ?)`);
  inserts.set(kind, { statement, row: new Array(2 + fields.length), stride: 1 + fields.length });
}
const forgetDay = db.prepare('DELETE FROM daily_means WHERE device_id = ? AND day = ?');

const writeBatch = db.transaction((parts, late) => {
  for (const { kind, ids, data } of parts) {
    const { statement, row, stride } = inserts.get(kind);
    for (let i = 0; i < ids.length; i++) {
      const at = i * stride;
      row[0] = ids[i];
      row[1] = data[at];
      for (let f = 1; f < stride; f++) {
        const v = data[at + f];
        row[f + 1] = v === v ? v : null; // NaN: the reading did not carry the field
      }
      statement.run(row);
    }
  }
  for (const [deviceId, day] of late) forgetDay.run(deviceId, day);
});

parentPort.on('message', (m) => {
  if (m.close) {
    db.close();
    parentPort.close();
    return;
  }
  try {
    writeBatch(m.parts, m.late);
    parentPort.postMessage({ id: m.id });
  } catch (err) {
    parentPort.postMessage({ id: m.id, error: err instanceof Error ? err.message : String(err), code: err?.code });
  }
});

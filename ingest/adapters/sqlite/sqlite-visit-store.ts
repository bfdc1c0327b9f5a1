/** Visits (走访测温) in SQLite: the form as JSON, the signature as a PNG blob. */
import type { Visit } from '../../contracts/visits.ts';
import type { VisitStore } from '../../ports/visit-store.ts';
import type { Db } from './open-database.ts';
import { asynchronous } from './asynchronous.ts';

export interface Row {
  seq: number;
  household_id: string;
  scheduled_at: number;
  staff: string;
  ticket_id: string | null;
  night_asked: number;
  note: string;
  status: Visit['status'];
  created_at: number;
  created_by: string;
  completed_at: number | null;
  completed_by: string | null;
  measurements: string | null;
  signed: number;
  refused: string | null;
  completion_note: string | null;
}

export const idOf = (seq: number) => `V-${String(seq).padStart(6, '0')}`;
export const seqOf = (id: string) => (/^V-(\d{1,12})$/.exec(id) ? Number(id.slice(2)) : -1);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export const toVisit = (r: Row): Visit => ({
  id: idOf(r.seq),
  householdId: r.household_id,
  scheduledAt: iso(r.scheduled_at)!,
  staff: JSON.parse(r.staff) as string[],
  ticketId: r.ticket_id,
  customerAskedForNight: r.night_asked === 1,
  note: r.note,
  status: r.status,
  createdAt: iso(r.created_at)!,
  createdBy: r.created_by,
  completedAt: iso(r.completed_at),
  completedBy: r.completed_by,
  measurements: r.measurements ? (JSON.parse(r.measurements) as Visit['measurements']) : [],
  signed: r.signed === 1,
  refused: r.refused ? (JSON.parse(r.refused) as Visit['refused']) : null,
  completionNote: r.completion_note ?? '',
});

export function createSqliteVisitStore(db: Db): VisitStore {
  const insert = db.prepare(
    `INSERT INTO visits (household_id, scheduled_at, staff, ticket_id, night_asked, note, status, created_at, created_by)
     VALUES (?, ?, ?, ?, ?, ?, 'planned', ?, ?)`,
  );
  const select = db.prepare('SELECT seq, household_id, scheduled_at, staff, ticket_id, night_asked, note, status, created_at, created_by, completed_at, completed_by, measurements, signature IS NOT NULL AS signed, refused, completion_note FROM visits WHERE seq = ?');
  const complete = db.prepare(
    `UPDATE visits SET status = 'done', completed_at = ?, completed_by = ?, measurements = ?, signature = ?, refused = ?, completion_note = ?
     WHERE seq = ? AND status = 'planned'`,
  );
  const cancel = db.prepare("UPDATE visits SET status = 'cancelled', completed_at = ? WHERE seq = ? AND status = 'planned'");
  const signature = db.prepare('SELECT signature FROM visits WHERE seq = ?');
  const inRange = db.prepare("SELECT refused IS NOT NULL AS refused, measurements FROM visits WHERE status = 'done' AND completed_at >= ? AND completed_at < ?");
  const scheduled = db.prepare(
    `SELECT seq, household_id, scheduled_at, staff, ticket_id, night_asked, note, status, created_at, created_by, completed_at, completed_by, measurements, signature IS NOT NULL AS signed, refused, completion_note
     FROM visits WHERE scheduled_at >= ? AND scheduled_at < ? AND status <> 'cancelled' ORDER BY scheduled_at, seq`,
  );
  const done = db.prepare("SELECT seq, completed_at, measurements FROM visits WHERE status = 'done' ORDER BY completed_at");
  const get = (id: string) => {
    const row = select.get(seqOf(id)) as Row | undefined;
    return row && toVisit(row);
  };
  return asynchronous<VisitStore>({
    insert(v) {
      const seq = Number(insert.run(v.householdId, v.scheduledAt, JSON.stringify(v.staff), v.ticketId, v.customerAskedForNight ? 1 : 0, v.note, v.at, v.by).lastInsertRowid);
      return get(idOf(seq))!;
    },
    get,
    list({ householdId, status, limit }) {
      const where: string[] = [];
      const params: unknown[] = [];
      if (householdId) (where.push('household_id = ?'), params.push(householdId));
      if (status) (where.push('status = ?'), params.push(status));
      const sql = `SELECT seq, household_id, scheduled_at, staff, ticket_id, night_asked, note, status, created_at, created_by, completed_at, completed_by, measurements, signature IS NOT NULL AS signed, refused, completion_note
        FROM visits ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY scheduled_at DESC, seq DESC LIMIT ?`;
      return (db.prepare(sql).all(...params, limit) as Row[]).map(toVisit);
    },
    scheduled: (from, to) => (scheduled.all(from, to) as Row[]).map(toVisit),
    complete: (id, c) =>
      complete.run(c.at, c.by, JSON.stringify(c.measurements), c.signaturePng, c.refused ? JSON.stringify(c.refused) : null, c.note, seqOf(id)).changes === 1,
    cancel: (id, at) => cancel.run(at, seqOf(id)).changes === 1,
    signature(id) {
      const row = signature.get(seqOf(id)) as { signature: Buffer | null } | undefined;
      return row?.signature ?? undefined;
    },
    figures(from, to) {
      const rows = inRange.all(from, to) as { refused: number; measurements: string }[];
      const flagged = new Set<string>();
      for (const r of rows) for (const m of JSON.parse(r.measurements) as Visit['measurements']) if (m.calibrate && m.deviceId) flagged.add(m.deviceId);
      return { done: rows.length, refused: rows.filter((r) => r.refused === 1).length, sensorsFlagged: flagged.size };
    },
    calibrationFlags() {
      // The latest measurement of each sensor decides: a later good one clears the flag.
      const last = new Map<string, { deviceId: string; visitId: string; at: number; measuredC: number; sensorC: number; calibrate: boolean }>();
      for (const r of done.all() as { seq: number; completed_at: number; measurements: string }[]) {
        for (const m of JSON.parse(r.measurements) as Visit['measurements']) {
          if (m.deviceId && m.sensorC !== null) last.set(m.deviceId, { deviceId: m.deviceId, visitId: idOf(r.seq), at: r.completed_at, measuredC: m.temp, sensorC: m.sensorC, calibrate: m.calibrate });
        }
      }
      return [...last.values()].filter((f) => f.calibrate).map(({ calibrate: _c, ...f }) => f);
    },
  });
}

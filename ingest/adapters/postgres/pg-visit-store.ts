/** Visits (走访测温) in PostgreSQL: the same rows as SQLite's (pg-database.ts), the signature PNG as BYTEA. */
import type pg from 'pg';
import type { Visit } from '../../contracts/visits.ts';
import type { VisitStore } from '../../ports/visit-store.ts';
import { idOf, seqOf, toVisit, type Row } from '../sqlite/sqlite-visit-store.ts';

// `signed` as 0/1, as SQLite answers it and toVisit reads it (PostgreSQL's IS NOT NULL is a boolean).
const COLUMNS = `seq, household_id, scheduled_at, staff, ticket_id, night_asked, note, status, created_at, created_by, completed_at, completed_by,
  measurements, (signature IS NOT NULL)::int AS signed, refused, completion_note`;
const VISIT = `SELECT ${COLUMNS} FROM visits`;

export function createPgVisitStore(pool: pg.Pool): VisitStore {
  const visits = async (sql: string, values: unknown[]) => (await pool.query<Row>(sql, values)).rows.map(toVisit);
  const get = async (id: string) => (await visits(`${VISIT} WHERE seq = $1`, [seqOf(id)]))[0];

  return {
    async insert(v) {
      const { rows } = await pool.query<Row>(
        `INSERT INTO visits (household_id, scheduled_at, staff, ticket_id, night_asked, note, status, created_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, 'planned', $7, $8) RETURNING ${COLUMNS}`,
        [v.householdId, v.scheduledAt, JSON.stringify(v.staff), v.ticketId, v.customerAskedForNight ? 1 : 0, v.note, v.at, v.by],
      );
      return toVisit(rows[0]!);
    },

    get,

    list({ householdId, status, limit }) {
      const where: string[] = [];
      const values: unknown[] = [];
      if (householdId) where.push(`household_id = $${values.push(householdId)}`);
      if (status) where.push(`status = $${values.push(status)}`);
      return visits(`${VISIT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY scheduled_at DESC, seq DESC LIMIT $${values.push(limit)}`, values);
    },

    scheduled: (from, to) => visits(`${VISIT} WHERE scheduled_at >= $1 AND scheduled_at < $2 AND status <> 'cancelled' ORDER BY scheduled_at, seq`, [from, to]),

    async complete(id, c) {
      // One UPDATE with its condition: of two nodes recording the same visit, one changes the row.
      const r = await pool.query(
        `UPDATE visits SET status = 'done', completed_at = $1, completed_by = $2, measurements = $3, signature = $4, refused = $5, completion_note = $6
         WHERE seq = $7 AND status = 'planned'`,
        [c.at, c.by, JSON.stringify(c.measurements), c.signaturePng, c.refused ? JSON.stringify(c.refused) : null, c.note, seqOf(id)],
      );
      return r.rowCount === 1;
    },

    async cancel(id, at) {
      const r = await pool.query("UPDATE visits SET status = 'cancelled', completed_at = $1 WHERE seq = $2 AND status = 'planned'", [at, seqOf(id)]);
      return r.rowCount === 1;
    },

    async signature(id) {
      const { rows } = await pool.query<{ signature: Buffer | null }>('SELECT signature FROM visits WHERE seq = $1', [seqOf(id)]);
      return rows[0]?.signature ?? undefined;
    },

    async figures(from, to) {
      const { rows } = await pool.query<{ refused: boolean; measurements: string }>(
        "SELECT refused IS NOT NULL AS refused, measurements FROM visits WHERE status = 'done' AND completed_at >= $1 AND completed_at < $2",
        [from, to],
      );
      const flagged = new Set<string>();
      for (const r of rows) for (const m of JSON.parse(r.measurements) as Visit['measurements']) if (m.calibrate && m.deviceId) flagged.add(m.deviceId);
      return { done: rows.length, refused: rows.filter((r) => r.refused).length, sensorsFlagged: flagged.size };
    },

    async calibrationFlags() {
      // The latest measurement of each sensor decides: a later good one clears the flag.
      const { rows } = await pool.query<{ seq: number; completed_at: number; measurements: string }>(
        "SELECT seq, completed_at, measurements FROM visits WHERE status = 'done' ORDER BY completed_at, seq",
      );
      const last = new Map<string, { deviceId: string; visitId: string; at: number; measuredC: number; sensorC: number; calibrate: boolean }>();
      for (const r of rows) {
        for (const m of JSON.parse(r.measurements) as Visit['measurements']) {
          if (m.deviceId && m.sensorC !== null) last.set(m.deviceId, { deviceId: m.deviceId, visitId: idOf(r.seq), at: r.completed_at, measuredC: m.temp, sensorC: m.sensorC, calibrate: m.calibrate });
        }
      }
      return [...last.values()].filter((f) => f.calibrate).map(({ calibrate: _c, ...f }) => f);
    },
  };
}

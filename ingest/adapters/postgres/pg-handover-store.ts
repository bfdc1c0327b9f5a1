/** Handover sheets (交接班) in PostgreSQL: the same rows as SQLite's (pg-database.ts), several nodes on one table. */
import type pg from 'pg';
import type { HandoverStore } from '../../ports/handover-store.ts';
import { toHandover, type Row } from '../sqlite/sqlite-handover-store.ts';

export function createPgHandoverStore(pool: pg.Pool): HandoverStore {
  const get = async (id: number) => {
    const { rows } = await pool.query<Row>('SELECT * FROM handovers WHERE id = $1', [id]);
    return rows[0] && toHandover(rows[0]);
  };
  return {
    async insert({ at, from, note, sheet }) {
      const { rows } = await pool.query<Row>('INSERT INTO handovers (created_at, from_username, from_name, note, sheet) VALUES ($1, $2, $3, $4, $5) RETURNING *', [at, from.username, from.name, note, JSON.stringify(sheet)]);
      return toHandover(rows[0]!);
    },
    get,
    async list(limit) {
      const { rows } = await pool.query<Row>('SELECT * FROM handovers ORDER BY id DESC LIMIT $1', [limit]);
      return rows.map(toHandover);
    },
    async acknowledge(id, at, by, note) {
      // One UPDATE with its condition: of two nodes taking the same sheet over, one changes the row.
      const r = await pool.query('UPDATE handovers SET acknowledged_at = $1, ack_username = $2, ack_name = $3, ack_note = $4 WHERE id = $5 AND acknowledged_at IS NULL', [at, by.username, by.name, note, id]);
      return r.rowCount === 1;
    },
  };
}

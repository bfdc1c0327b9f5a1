/** Handover sheets (交接班) in SQLite: the sheet as JSON, as it was when produced. */
import type { Handover, HandoverSheet } from '../../contracts/handovers.ts';
import type { HandoverStore } from '../../ports/handover-store.ts';
import type { Db } from './open-database.ts';

export interface Row {
  id: number;
  created_at: number;
  from_username: string;
  from_name: string;
  note: string;
  sheet: string;
  acknowledged_at: number | null;
  ack_username: string | null;
  ack_name: string | null;
  ack_note: string | null;
}

export const toHandover = (r: Row): Handover => ({
  id: r.id,
  createdAt: new Date(r.created_at).toISOString(),
  from: { username: r.from_username, name: r.from_name },
  note: r.note,
  sheet: JSON.parse(r.sheet) as HandoverSheet,
  acknowledgedAt: r.acknowledged_at === null ? null : new Date(r.acknowledged_at).toISOString(),
  acknowledgedBy: r.ack_username === null ? null : { username: r.ack_username, name: r.ack_name ?? r.ack_username },
  ackNote: r.ack_note,
});

export function createSqliteHandoverStore(db: Db): HandoverStore {
  const insert = db.prepare('INSERT INTO handovers (created_at, from_username, from_name, note, sheet) VALUES (?, ?, ?, ?, ?)');
  const select = db.prepare('SELECT * FROM handovers WHERE id = ?');
  const recent = db.prepare('SELECT * FROM handovers ORDER BY id DESC LIMIT ?');
  const ack = db.prepare('UPDATE handovers SET acknowledged_at = ?, ack_username = ?, ack_name = ?, ack_note = ? WHERE id = ? AND acknowledged_at IS NULL');
  const get = (id: number) => {
    const row = select.get(id) as Row | undefined;
    return row && toHandover(row);
  };
  return {
    async insert({ at, from, note, sheet }) {
      const id = Number(insert.run(at, from.username, from.name, note, JSON.stringify(sheet)).lastInsertRowid);
      return get(id)!;
    },
    get: async (id) => get(id),
    list: async (limit) => (recent.all(limit) as Row[]).map(toHandover),
    acknowledge: async (id, at, by, note) => ack.run(at, by.username, by.name, note, id).changes === 1,
  };
}

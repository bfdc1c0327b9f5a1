/** Stops and the customers' notices in PostgreSQL: the same rows as SQLite's (pg-database.ts), several nodes on one table. */
import type pg from 'pg';
import type { NoticeCounts, OutageStore } from '../../ports/outage-store.ts';
import { OUTAGE_COLUMNS, OUTAGE_FIELDS, toNotice, toOutage } from '../sqlite/sqlite-outage-store.ts';

type Row = Record<string, unknown>;

export function createPgOutageStore(pool: pg.Pool): OutageStore {
  const get = async (id: number) => {
    const { rows } = await pool.query<Row>('SELECT * FROM outages WHERE id = $1', [id]);
    return rows[0] && toOutage(rows[0]);
  };

  return {
    async insert(o) {
      const { rows } = await pool.query<Row>(
        `INSERT INTO outages (${OUTAGE_FIELDS.map((f) => OUTAGE_COLUMNS[f]).join(', ')}) VALUES (${OUTAGE_FIELDS.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING *`,
        OUTAGE_FIELDS.map((f) => o[f]),
      );
      return toOutage(rows[0]!);
    },
    async update(id, patch) {
      const fields = OUTAGE_FIELDS.filter((f) => f in patch);
      if (fields.length === 0) return (await get(id))!;
      const { rows } = await pool.query<Row>(`UPDATE outages SET ${fields.map((f, i) => `${OUTAGE_COLUMNS[f]} = $${i + 2}`).join(', ')} WHERE id = $1 RETURNING *`, [
        id,
        ...fields.map((f) => patch[f]),
      ]);
      // No such stop: undefined, as SQLite's adapter answers.
      return rows.map(toOutage)[0]!;
    },
    get,
    async all() {
      const { rows } = await pool.query<Row>('SELECT * FROM outages ORDER BY starts_at, id');
      return rows.map(toOutage);
    },
    async queueNotices(list) {
      if (list.length === 0) return 0;
      // One statement, its rows taken in the order of the unique key (then as listed, so the first
      // of two equal notices is the one kept): two nodes queueing one round cannot deadlock.
      const r = await pool.query(
        `INSERT INTO notices (id, outage_id, revision, kind, household_id, channel_id, phone, text, next_attempt_at, created_at)
         SELECT id, outage_id, revision, kind, household_id, channel_id, phone, text, next_attempt_at, created_at
           FROM unnest($1::text[], $2::bigint[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[], $10::bigint[])
                WITH ORDINALITY AS n (id, outage_id, revision, kind, household_id, channel_id, phone, text, next_attempt_at, created_at, listed)
          ORDER BY outage_id, revision, household_id, channel_id, listed
         ON CONFLICT DO NOTHING`,
        [
          list.map((n) => n.id),
          list.map((n) => n.outageId),
          list.map((n) => n.revision),
          list.map((n) => n.kind),
          list.map((n) => n.householdId),
          list.map((n) => n.channelId),
          list.map((n) => n.phone),
          list.map((n) => n.text),
          list.map((n) => n.nextAttemptAt),
          list.map((n) => n.createdAt),
        ],
      );
      return r.rowCount ?? 0;
    },
    async dueNotices(now, limit) {
      const { rows } = await pool.query<Row>("SELECT * FROM notices WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT $2", [now, limit]);
      return rows.map(toNotice);
    },
    async nextNoticeAt() {
      const { rows } = await pool.query<{ at: number | null }>("SELECT MIN(next_attempt_at) AS at FROM notices WHERE status = 'pending'");
      return rows[0]!.at;
    },
    async claimNotice(id, read, until) {
      const r = await pool.query("UPDATE notices SET next_attempt_at = $1 WHERE id = $2 AND status = 'pending' AND next_attempt_at = $3", [until, id, read]);
      return r.rowCount === 1;
    },
    async updateNotice(n) {
      await pool.query('UPDATE notices SET status = $1, attempts = $2, next_attempt_at = $3, last_error = $4, sent_at = $5 WHERE id = $6', [
        n.status,
        n.attempts,
        n.nextAttemptAt,
        n.lastError,
        n.sentAt,
        n.id,
      ]);
    },
    async noticeCounts(outageId) {
      const { rows } = await pool.query<NoticeCounts>(
        `SELECT COUNT(*) FILTER (WHERE status = 'sent')::int AS sent, COUNT(*) FILTER (WHERE status = 'failed')::int AS failed,
                COUNT(*) FILTER (WHERE status = 'pending')::int AS pending, MIN(sent_at) AS "firstSentAt"
           FROM notices WHERE outage_id = $1`,
        [outageId],
      );
      return rows[0]!;
    },
    async notices(outageId) {
      // COLLATE "C": byte order, as SQLite sorts text, whatever the database's locale.
      const { rows } = await pool.query<Row>('SELECT * FROM notices WHERE outage_id = $1 ORDER BY revision, household_id COLLATE "C", channel_id COLLATE "C"', [outageId]);
      return rows.map(toNotice);
    },
    async retryFailed(outageId, now) {
      const r = await pool.query("UPDATE notices SET status = 'pending', attempts = 0, next_attempt_at = $1, last_error = NULL WHERE outage_id = $2 AND status = 'failed'", [now, outageId]);
      return r.rowCount ?? 0;
    },
  };
}

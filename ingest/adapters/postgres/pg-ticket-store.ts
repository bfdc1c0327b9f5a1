/** Tickets and their timeline in PostgreSQL: the same rows as SQLite's (pg-database.ts), several nodes on one table. */
import type pg from 'pg';
import { addDays, localMidnight } from '../../contracts/beijing-time.ts';
import type { TicketQuery, TimelineData } from '../../contracts/tickets.ts';
import type { ReportTicket } from '../../core/reports/ticket-figures.ts';
import type { TicketRecord, TicketStore, TimelineInput } from '../../ports/ticket-store.ts';
import { COLUMNS, FIELDS, toRecord, toRow } from '../sqlite/sqlite-ticket-store.ts';
import { inTransaction } from './pg-transaction.ts';

type Row = Record<string, unknown>;

const INSERT_COLUMNS = [...FIELDS.map((f) => COLUMNS[f]), 'seq', 'id'];
const INSERT = `INSERT INTO tickets (${INSERT_COLUMNS.join(', ')}) VALUES (${INSERT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING *`;

/** The one open ticket per device and rule (DESIGN.md §3), refused by this index across nodes. */
const isSecondOpenTicket = (err: unknown): boolean => {
  const e = err as { code?: string; constraint?: string };
  return e.code === '23505' && e.constraint === 'tickets_one_open_per_rule';
};

/** A statement's parameters, numbered as they are added to the SQL being built. */
function parameters(): { values: unknown[]; add: (value: unknown) => string } {
  const values: unknown[] = [];
  return { values, add: (value) => `$${values.push(value)}` };
}

const log = (client: pg.PoolClient, id: string, e: TimelineInput) =>
  client.query('INSERT INTO ticket_timeline (ticket_id, at, actor, action, note, data) VALUES ($1, $2, $3, $4, $5, $6)', [id, e.at, e.actor, e.action, e.note, e.data ? JSON.stringify(e.data) : null]);

export function createPgTicketStore(pool: pg.Pool): TicketStore {
  const one = async (sql: string, values: unknown[]) => {
    const { rows } = await pool.query<Row>(sql, values);
    return rows[0] && toRecord(rows[0]);
  };
  const many = async (sql: string, values: unknown[]) => (await pool.query<Row>(sql, values)).rows.map(toRecord);

  /** `expected`: the `updatedAt` the caller read; null writes whatever the ticket is now. */
  const write = (id: string, patch: Partial<TicketRecord>, entry: TimelineInput, expected: number | null) =>
    inTransaction(pool, async (client) => {
      const p = parameters();
      const values = toRow(patch);
      const set = FIELDS.filter((f) => f in patch && f !== 'updatedAt').map((f) => `${COLUMNS[f]} = ${p.add(values[f])}`);
      set.push(`updated_at = GREATEST(${p.add(entry.at)}::bigint, updated_at + 1)`);
      const where = `id = ${p.add(id)}${expected === null ? '' : ` AND updated_at = ${p.add(expected)}`}`;
      const { rows } = await client.query<Row>(`UPDATE tickets SET ${set.join(', ')} WHERE ${where} RETURNING *`, p.values);
      // Changed since it was read: nothing written, nothing logged.
      if (expected !== null && rows.length === 0) return null;
      // An unknown id fails here, as on SQLite: the entry's ticket must exist (foreign key).
      await log(client, id, entry);
      return toRecord(rows[0]!);
    });

  return {
    async insert(ticket, entry) {
      try {
        return await inTransaction(pool, async (client) => {
          // The seq is drawn first so the id is written once. SQLite's placeholder id 'pending' would,
          // under the id's unique index, make every other node's insert wait for this transaction.
          const { rows } = await client.query<{ seq: number }>("SELECT nextval(pg_get_serial_sequence('tickets', 'seq')) AS seq");
          const seq = rows[0]!.seq;
          const id = `T-${String(seq).padStart(6, '0')}`;
          const values: Record<string, unknown> = { ...toRow(ticket), updatedAt: entry.at };
          const inserted = await client.query<Row>(INSERT, [...FIELDS.map((f) => values[f]), seq, id]);
          await log(client, id, entry);
          return toRecord(inserted.rows[0]!);
        });
      } catch (err) {
        // The refused INSERT aborted the transaction; it is rolled back by now.
        if (isSecondOpenTicket(err)) return null;
        throw err;
      }
    },

    get: (id) => one('SELECT * FROM tickets WHERE id = $1', [id]),

    findOpen: (deviceId, rule) => one("SELECT * FROM tickets WHERE device_id = $1 AND rule = $2 AND status <> 'closed'", [deviceId, rule]),

    async search({ text, digits, deviceIds = [], limit }) {
      const p = parameters();
      const where: string[] = [];
      if (text !== null) {
        const like = p.add(`%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
        // ILIKE: SQLite's LIKE ignores the case of ASCII letters (t-000042 finds T-000042); PostgreSQL's does not.
        where.push(...['id', 'device_id', 'address', 'contact', 'description'].map((c) => `${c} ILIKE ${like} ESCAPE '\\'`));
      }
      if (digits) where.push(`REPLACE(REPLACE(REPLACE(contact, ' ', ''), '-', ''), '+86', '') LIKE ${p.add(`%${digits}%`)}`);
      if (deviceIds.length > 0) where.push(`device_id = ANY(${p.add(deviceIds)})`);
      if (where.length === 0) return [];
      return many(`SELECT * FROM tickets WHERE ${where.join(' OR ')} ORDER BY opened_at DESC, seq DESC LIMIT ${p.add(limit)}`, p.values);
    },

    list(q: TicketQuery) {
      const p = parameters();
      const where: string[] = [];
      if (q.status === 'active') where.push("status <> 'closed'");
      else if (q.status) where.push(`status = ${p.add(q.status)}`);
      if (q.type) where.push(`type = ${p.add(q.type)}`);
      if (q.channel) where.push(`channel = ${p.add(q.channel)}`);
      if (q.deviceId) where.push(`device_id = ${p.add(q.deviceId)}`);
      if (q.substationId) where.push(`substation_id = ${p.add(q.substationId)}`);
      if (q.assignee) where.push(`assignee_id = ${p.add(q.assignee)}`);
      if (q.from && q.to) where.push(`opened_at >= ${p.add(localMidnight(q.from))} AND opened_at < ${p.add(localMidnight(addDays(q.to, 1)))}`);
      // A range is history: in the order things happened. Otherwise the work to do, most urgent first.
      const order = q.from ? 'opened_at, seq' : "CASE WHEN status = 'closed' THEN 1 ELSE 0 END, COALESCE(due_at, 9e15), seq";
      return many(`SELECT * FROM tickets ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ${p.add(q.limit)}`, p.values);
    },

    active: () => many("SELECT * FROM tickets WHERE status <> 'closed' ORDER BY seq", []),

    update: async (id, patch, entry) => (await write(id, patch, entry, null))!,

    updateIf: (id, updatedAt, patch, entry) => write(id, patch, entry, updatedAt),

    async timeline(id) {
      const { rows } = await pool.query<{ at: number; actor: string; action: string; note: string | null; data: string | null }>(
        'SELECT at, actor, action, note, data FROM ticket_timeline WHERE ticket_id = $1 ORDER BY seq',
        [id],
      );
      return rows.map((e) => ({ at: new Date(e.at).toISOString(), actor: e.actor, action: e.action, note: e.note, data: e.data === null ? null : (JSON.parse(e.data) as TimelineData) }));
    },

    async forReport(from, to) {
      const { rows } = await pool.query<ReportTicket>(
        `SELECT t.type, t.substation_id AS "substationId", t.source, t.channel, t.status, t.opened_at AS "openedAt", t.due_at AS "dueAt", t.milestone_at AS "milestoneAt", t.exempt,
                t.callback_due_at AS "callbackDueAt", t.callback_at AS "callbackAt", t.satisfaction
           FROM tickets t
          WHERE (t.opened_at >= $1 AND t.opened_at < $2) OR (t.callback_due_at >= $1 AND t.callback_due_at < $2)`,
        [from, to],
      );
      return rows;
    },

    async foundExemptions(from, to) {
      const { rows } = await pool.query<Awaited<ReturnType<TicketStore['foundExemptions']>>[number]>(
        `SELECT device_id AS "deviceId", COALESCE(event_at, opened_at) AS since, resolved_at AS until, exempt AS reason FROM tickets
          WHERE exempt IN ('building_envelope', 'customer_installation') AND device_id IS NOT NULL
            AND COALESCE(event_at, opened_at) < $2 AND (resolved_at IS NULL OR resolved_at >= $1)`,
        [from, to],
      );
      return rows;
    },

    async stepTimes(from, to) {
      const { rows } = await pool.query<{ ticketId: string; action: string; at: number }>(
        `SELECT e.ticket_id AS "ticketId", e.action, MIN(e.at) AS at FROM ticket_timeline e JOIN tickets t ON t.id = e.ticket_id
          WHERE t.opened_at >= $1 AND t.opened_at < $2 AND e.action IN ('acknowledge', 'diagnose', 'on_site', 'negotiate', 'resolve', 'callback', 'close')
          GROUP BY e.ticket_id, e.action`,
        [from, to],
      );
      return rows;
    },
  };
}

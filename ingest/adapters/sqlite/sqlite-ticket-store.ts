/** Tickets and their timeline (audit of every change) in SQLite. */
import type { TicketQuery, TimelineData, TimelineEntry } from '../../contracts/tickets.ts';
import type { RuleId } from '../../contracts/tickets.ts';
import type { NewTicket, TicketRecord, TicketStore, TimelineInput } from '../../ports/ticket-store.ts';
import type { ReportTicket } from '../../core/reports/ticket-figures.ts';
import { addDays, localMidnight } from '../../contracts/beijing-time.ts';
import type { Db } from './open-database.ts';
import { asynchronous } from './asynchronous.ts';

export const COLUMNS: Record<keyof Omit<TicketRecord, 'id'>, string> = {
  type: 'type',
  status: 'status',
  source: 'source',
  channel: 'channel',
  rule: 'rule',
  deviceId: 'device_id',
  substationId: 'substation_id',
  parentId: 'parent_id',
  description: 'description',
  facts: 'facts',
  address: 'address',
  contact: 'contact',
  openedAt: 'opened_at',
  eventAt: 'event_at',
  dueAt: 'due_at',
  milestone: 'milestone',
  milestoneAt: 'milestone_at',
  exempt: 'exempt',
  recoveredAt: 'recovered_at',
  cause: 'cause',
  diagnosedAt: 'diagnosed_at',
  explanation: 'explanation',
  negotiatingWith: 'negotiating_with',
  accusedTeam: 'accused_team',
  resolvedAt: 'resolved_at',
  callbackDueAt: 'callback_due_at',
  callbackAt: 'callback_at',
  satisfaction: 'satisfaction',
  calledNumber: 'called_number',
  assigneeId: 'assignee_id',
  assigneeName: 'assignee_name',
  closedAt: 'closed_at',
  updatedAt: 'updated_at',
};
export const FIELDS = Object.keys(COLUMNS) as (keyof typeof COLUMNS)[];

/** Columns held as JSON text. */
const JSON_FIELDS: ReadonlySet<string> = new Set(['facts']);

export function toRecord(row: Record<string, unknown>): TicketRecord {
  const record = { id: row.id } as Record<string, unknown>;
  for (const f of FIELDS) {
    const v = row[COLUMNS[f]] ?? null;
    record[f] = v !== null && JSON_FIELDS.has(f) ? JSON.parse(v as string) : v;
  }
  return record as unknown as TicketRecord;
}

export const toRow = (patch: Partial<TicketRecord>): Record<string, unknown> => ('facts' in patch ? { ...patch, facts: patch.facts ? JSON.stringify(patch.facts) : null } : patch);

export function createSqliteTicketStore(db: Db): TicketStore {
  const insertTicket = db.prepare(
    `INSERT INTO tickets (id, ${FIELDS.map((f) => COLUMNS[f]).join(', ')})
     VALUES ('pending', ${FIELDS.map((f) => `@${f}`).join(', ')})`,
  );
  const setId = db.prepare('UPDATE tickets SET id = ? WHERE seq = ?');
  const byId = db.prepare('SELECT * FROM tickets WHERE id = ?');
  const openFor = db.prepare("SELECT * FROM tickets WHERE device_id = ? AND rule = ? AND status <> 'closed'");
  const activeAll = db.prepare("SELECT * FROM tickets WHERE status <> 'closed' ORDER BY seq");
  const addEntry = db.prepare('INSERT INTO ticket_timeline (ticket_id, at, actor, action, note, data) VALUES (?, ?, ?, ?, ?, ?)');
  const entries = db.prepare('SELECT at, actor, action, note, data FROM ticket_timeline WHERE ticket_id = ? ORDER BY seq');
  const stepRows = db.prepare(
    `SELECT e.ticket_id AS ticketId, e.action, MIN(e.at) AS at FROM ticket_timeline e JOIN tickets t ON t.id = e.ticket_id
      WHERE t.opened_at >= @from AND t.opened_at < @to AND e.action IN ('acknowledge', 'diagnose', 'on_site', 'negotiate', 'resolve', 'callback', 'close')
      GROUP BY e.ticket_id, e.action`,
  );
  const reportRows = db.prepare(
    `SELECT t.type, t.substation_id AS substationId, t.source, t.channel, t.status, t.opened_at AS openedAt, t.due_at AS dueAt, t.milestone_at AS milestoneAt, t.exempt,
            t.callback_due_at AS callbackDueAt, t.callback_at AS callbackAt, t.satisfaction
       FROM tickets t
      WHERE (t.opened_at >= @from AND t.opened_at < @to) OR (t.callback_due_at >= @from AND t.callback_due_at < @to)`,
  );

  const exemptionRows = db.prepare(
    `SELECT device_id AS deviceId, COALESCE(event_at, opened_at) AS since, resolved_at AS until, exempt AS reason FROM tickets
      WHERE exempt IN ('building_envelope', 'customer_installation') AND device_id IS NOT NULL
        AND COALESCE(event_at, opened_at) < @to AND (resolved_at IS NULL OR resolved_at >= @from)`,
  );

  const get = (id: string) => {
    const row = byId.get(id) as Record<string, unknown> | undefined;
    return row && toRecord(row);
  };
  const log = (id: string, e: TimelineInput) => addEntry.run(id, e.at, e.actor, e.action, e.note, e.data ? JSON.stringify(e.data) : null);

  /** `expected`: the `updatedAt` the caller read; null writes whatever the ticket is now. */
  const write = (id: string, patch: Partial<TicketRecord>, entry: TimelineInput, expected: number | null) =>
    db.transaction(() => {
      const fields = FIELDS.filter((f) => f in patch && f !== 'updatedAt');
      const set = [...fields.map((f) => `${COLUMNS[f]} = @${f}`), 'updated_at = MAX(@updatedAt, updated_at + 1)'].join(', ');
      const where = expected === null ? 'id = @id' : 'id = @id AND updated_at = @expected';
      const { changes } = db.prepare(`UPDATE tickets SET ${set} WHERE ${where}`).run({ ...toRow(patch), updatedAt: entry.at, id, ...(expected === null ? {} : { expected }) });
      // Changed since it was read: nothing written, nothing logged.
      if (expected !== null && changes === 0) return null;
      log(id, entry);
      return get(id)!;
    })();

  return asynchronous<TicketStore>({
    insert: (ticket: NewTicket, entry: TimelineInput) =>
      db.transaction(() => {
        let seq: number;
        try {
          seq = Number(insertTicket.run({ ...toRow(ticket), updatedAt: entry.at }).lastInsertRowid);
        } catch (err) {
          if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') return null;
          throw err;
        }
        const id = `T-${String(seq).padStart(6, '0')}`;
        setId.run(id, seq);
        log(id, entry);
        return get(id)!;
      })(),

    get,
    findOpen(deviceId: string, rule: RuleId) {
      const row = openFor.get(deviceId, rule) as Record<string, unknown> | undefined;
      return row && toRecord(row);
    },

    search({ text, digits, deviceIds = [], limit }) {
      const like = text === null ? null : `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const where = like === null ? [] : ['id', 'device_id', 'address', 'contact', 'description'].map((c) => `${c} LIKE @like ESCAPE '\\'`);
      if (digits) where.push("REPLACE(REPLACE(REPLACE(contact, ' ', ''), '-', ''), '+86', '') LIKE @digits");
      if (deviceIds.length > 0) where.push(`device_id IN (${deviceIds.map((_, i) => `@d${i}`).join(', ')})`);
      if (where.length === 0) return [];
      const params: Record<string, unknown> = { like, digits: digits ? `%${digits}%` : null, limit };
      deviceIds.forEach((d, i) => (params[`d${i}`] = d));
      return (db.prepare(`SELECT * FROM tickets WHERE ${where.join(' OR ')} ORDER BY opened_at DESC, seq DESC LIMIT @limit`).all(params) as Record<string, unknown>[]).map(toRecord);
    },

    list(q: TicketQuery) {
      const where: string[] = [];
      const params: unknown[] = [];
      if (q.status === 'active') where.push("status <> 'closed'");
      else if (q.status) (where.push('status = ?'), params.push(q.status));
      if (q.type) (where.push('type = ?'), params.push(q.type));
      if (q.channel) (where.push('channel = ?'), params.push(q.channel));
      if (q.deviceId) (where.push('device_id = ?'), params.push(q.deviceId));
      if (q.substationId) (where.push('substation_id = ?'), params.push(q.substationId));
      if (q.assignee) (where.push('assignee_id = ?'), params.push(q.assignee));
      if (q.from && q.to) (where.push('opened_at >= ? AND opened_at < ?'), params.push(localMidnight(q.from), localMidnight(addDays(q.to, 1))));
      // A range is history: in the order things happened. Otherwise the work to do, most urgent first.
      const order = q.from ? 'opened_at, seq' : "CASE WHEN status = 'closed' THEN 1 ELSE 0 END, COALESCE(due_at, 9e15), seq";
      const sql = `SELECT * FROM tickets ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ?`;
      return (db.prepare(sql).all(...params, q.limit) as Record<string, unknown>[]).map(toRecord);
    },

    active: () => (activeAll.all() as Record<string, unknown>[]).map(toRecord),

    update: (id: string, patch: Partial<TicketRecord>, entry: TimelineInput) => write(id, patch, entry, null)!,

    updateIf: (id: string, updatedAt: number, patch: Partial<TicketRecord>, entry: TimelineInput) => write(id, patch, entry, updatedAt),

    timeline: (id: string): TimelineEntry[] =>
      (entries.all(id) as { at: number; actor: string; action: string; note: string | null; data: string | null }[]).map((e) => ({
        at: new Date(e.at).toISOString(),
        actor: e.actor,
        action: e.action,
        note: e.note,
        data: e.data === null ? null : (JSON.parse(e.data) as TimelineData),
      })),

    forReport: (from: number, to: number) => reportRows.all({ from, to }) as ReportTicket[],

    foundExemptions: (from: number, to: number) => exemptionRows.all({ from, to }) as Awaited<ReturnType<TicketStore['foundExemptions']>>,

    stepTimes: (from: number, to: number) => stepRows.all({ from, to }) as { ticketId: string; action: string; at: number }[],
  });
}

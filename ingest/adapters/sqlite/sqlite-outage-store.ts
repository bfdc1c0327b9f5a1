/** Stops and the customers' notices in SQLite. */
import type { Notice, NoticeCounts, Outage, OutageStore } from '../../ports/outage-store.ts';
import type { Db } from './open-database.ts';
import { asynchronous } from './asynchronous.ts';

export const OUTAGE_COLUMNS: Record<keyof Omit<Outage, 'id'>, string> = {
  substationId: 'substation_id',
  kind: 'kind',
  startsAt: 'starts_at',
  endsAt: 'ends_at',
  reason: 'reason',
  areas: 'areas',
  registeredAt: 'registered_at',
  registeredBy: 'registered_by',
  endedAt: 'ended_at',
  cancelledAt: 'cancelled_at',
  revision: 'revision',
  updatedAt: 'updated_at',
};
export const OUTAGE_FIELDS = Object.keys(OUTAGE_COLUMNS) as (keyof typeof OUTAGE_COLUMNS)[];

export const toOutage = (r: Record<string, unknown>): Outage => {
  const o = { id: r.id } as Record<string, unknown>;
  for (const f of OUTAGE_FIELDS) o[f] = r[OUTAGE_COLUMNS[f]] ?? null;
  return o as unknown as Outage;
};

export const toNotice = (r: Record<string, unknown>): Notice => ({
  id: r.id as string,
  outageId: r.outage_id as number,
  revision: r.revision as number,
  kind: r.kind as Notice['kind'],
  householdId: r.household_id as string,
  channelId: r.channel_id as string,
  phone: r.phone as string,
  text: r.text as string,
  status: r.status as Notice['status'],
  attempts: r.attempts as number,
  nextAttemptAt: r.next_attempt_at as number,
  lastError: (r.last_error as string | null) ?? null,
  createdAt: r.created_at as number,
  sentAt: (r.sent_at as number | null) ?? null,
});

export function createSqliteOutageStore(db: Db): OutageStore {
  const insertOutage = db.prepare(`INSERT INTO outages (${OUTAGE_FIELDS.map((f) => OUTAGE_COLUMNS[f]).join(', ')}) VALUES (${OUTAGE_FIELDS.map((f) => `@${f}`).join(', ')})`);
  const byId = db.prepare('SELECT * FROM outages WHERE id = ?');
  const all = db.prepare('SELECT * FROM outages ORDER BY starts_at, id');
  const queue = db.prepare(
    `INSERT OR IGNORE INTO notices (id, outage_id, revision, kind, household_id, channel_id, phone, text, next_attempt_at, created_at)
     VALUES (@id, @outageId, @revision, @kind, @householdId, @channelId, @phone, @text, @nextAttemptAt, @createdAt)`,
  );
  const due = db.prepare("SELECT * FROM notices WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?");
  const next = db.prepare("SELECT MIN(next_attempt_at) FROM notices WHERE status = 'pending'").pluck();
  const claim = db.prepare("UPDATE notices SET next_attempt_at = ? WHERE id = ? AND status = 'pending' AND next_attempt_at = ?");
  const mark = db.prepare('UPDATE notices SET status = @status, attempts = @attempts, next_attempt_at = @nextAttemptAt, last_error = @lastError, sent_at = @sentAt WHERE id = @id');
  const counts = db.prepare(
    `SELECT SUM(status = 'sent') AS sent, SUM(status = 'failed') AS failed, SUM(status = 'pending') AS pending, MIN(sent_at) AS firstSentAt
       FROM notices WHERE outage_id = ?`,
  );
  const forOutage = db.prepare('SELECT * FROM notices WHERE outage_id = ? ORDER BY revision, household_id, channel_id');
  const retry = db.prepare("UPDATE notices SET status = 'pending', attempts = 0, next_attempt_at = ?, last_error = NULL WHERE outage_id = ? AND status = 'failed'");

  const get = (id: number) => {
    const r = byId.get(id) as Record<string, unknown> | undefined;
    return r && toOutage(r);
  };

  return asynchronous<OutageStore>({
    insert: (o) => get(Number(insertOutage.run(o).lastInsertRowid))!,
    update: (id, patch) => {
      const fields = OUTAGE_FIELDS.filter((f) => f in patch);
      if (fields.length > 0) db.prepare(`UPDATE outages SET ${fields.map((f) => `${OUTAGE_COLUMNS[f]} = @${f}`).join(', ')} WHERE id = @id`).run({ ...patch, id });
      return get(id)!;
    },
    get,
    all: () => (all.all() as Record<string, unknown>[]).map(toOutage),
    queueNotices: db.transaction((list: readonly Omit<Notice, 'status' | 'attempts' | 'lastError' | 'sentAt'>[]) => {
      let queued = 0;
      for (const n of list) queued += queue.run(n).changes;
      return queued;
    }),
    dueNotices: (now, limit) => (due.all(now, limit) as Record<string, unknown>[]).map(toNotice),
    nextNoticeAt: () => (next.get() as number | null) ?? null,
    claimNotice: (id, read, until) => claim.run(until, id, read).changes === 1,
    updateNotice: (n) => void mark.run(n),
    noticeCounts: (outageId): NoticeCounts => {
      const r = counts.get(outageId) as { sent: number | null; failed: number | null; pending: number | null; firstSentAt: number | null };
      return { sent: r.sent ?? 0, failed: r.failed ?? 0, pending: r.pending ?? 0, firstSentAt: r.firstSentAt };
    },
    notices: (outageId) => (forOutage.all(outageId) as Record<string, unknown>[]).map(toNotice),
    retryFailed: (outageId, now) => retry.run(now, outageId).changes,
  });
}

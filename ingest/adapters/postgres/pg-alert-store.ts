/**
 * Alerting in PostgreSQL: the same rows as SQLite's (pg-database.ts) — settings, channels, the
 * alerts planned per ticket (one of each kind: however many nodes plan an episode, it pages once)
 * and the deliveries with their attempts — for several nodes on one database.
 */
import type pg from 'pg';
import type { AlertKind } from '../../core/alerting/alert-policy.ts';
import type { AlertStore, Delivery, PendingAlert, StoredChannel } from '../../ports/alert-store.ts';
import type { SecretBox } from '../../security/secret-box.ts';
import { toDelivery, type DeliveryRow } from '../sqlite/sqlite-alert-store.ts';
import { inTransaction } from './pg-transaction.ts';

type NewDelivery = Omit<Delivery, 'status' | 'attempts' | 'lastError' | 'sentAt' | 'alertId'>;

interface ChannelRow {
  id: string;
  name: string;
  config: string;
  enabled: number;
  created_at: number;
}

const INSERT_DELIVERY = `INSERT INTO deliveries (id, alert_id, ticket_id, kind, channel_id, recipients, title, text, next_attempt_at, created_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`;

const insertDeliveries = async (client: pg.PoolClient, alertId: number, deliveries: readonly NewDelivery[]) => {
  for (const d of deliveries) {
    await client.query(INSERT_DELIVERY, [d.id, alertId, d.ticketId, d.kind, d.channelId, JSON.stringify(d.recipients), d.title, d.text, d.nextAttemptAt, d.createdAt]);
  }
};

/**
 * `box` seals channel configs, as with SQLite. Asynchronous because, with a box, the channels an
 * older version stored in plain text are sealed before the store is handed out, and a wrong key
 * fails here, at start-up.
 */
export async function createPgAlertStore(pool: pg.Pool, box?: SecretBox): Promise<AlertStore> {
  const seal = (config: unknown) => (box ? box.seal(JSON.stringify(config)) : JSON.stringify(config));
  const open = (stored: string) => JSON.parse(box ? box.open(stored) : stored) as StoredChannel['config'];

  const store: AlertStore = {
    async setting<T>(key: string) {
      const { rows } = await pool.query<{ value: string }>('SELECT value FROM alert_settings WHERE key = $1', [key]);
      return rows[0] ? (JSON.parse(rows[0].value) as T) : undefined;
    },
    async putSetting(key, value, at) {
      await pool.query(
        'INSERT INTO alert_settings (key, value, updated_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
        [key, JSON.stringify(value), at],
      );
    },

    async channels() {
      // COLLATE "C": byte order, as SQLite sorts text, whatever the database's locale.
      const { rows } = await pool.query<ChannelRow>('SELECT * FROM alert_channels ORDER BY id COLLATE "C"');
      return rows.map((r): StoredChannel => ({ id: r.id, name: r.name, config: open(r.config), enabled: r.enabled === 1, createdAt: r.created_at }));
    },
    async putChannel(c) {
      await pool.query(
        `INSERT INTO alert_channels (id, name, config, enabled, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, config = excluded.config, enabled = excluded.enabled`,
        [c.id, c.name, seal(c.config), c.enabled ? 1 : 0, c.createdAt],
      );
    },
    async deleteChannel(id) {
      const r = await pool.query('DELETE FROM alert_channels WHERE id = $1', [id]);
      return (r.rowCount ?? 0) > 0;
    },

    async planAlerts(ticketId, plan) {
      // The first of a kind wins, as with SQLite's INSERT OR IGNORE in plan order. One statement,
      // its rows taken in kind order: two nodes planning the same kinds cannot deadlock.
      const first = new Map<AlertKind, number>();
      for (const p of plan) if (!first.has(p.kind)) first.set(p.kind, p.at);
      if (first.size === 0) return;
      await pool.query(
        `INSERT INTO alerts (ticket_id, kind, due_at)
         SELECT $1, kind, due_at FROM unnest($2::text[], $3::bigint[]) AS p (kind, due_at) ORDER BY kind
         ON CONFLICT DO NOTHING`,
        [ticketId, [...first.keys()], [...first.values()]],
      );
    },
    async dueAlerts(now, limit) {
      const { rows } = await pool.query<{ id: number; ticket_id: string; kind: AlertKind; due_at: number }>(
        "SELECT id, ticket_id, kind, due_at FROM alerts WHERE state = 'pending' AND due_at <= $1 ORDER BY due_at LIMIT $2",
        [now, limit],
      );
      return rows.map((r): PendingAlert => ({ id: r.id, ticketId: r.ticket_id, kind: r.kind, dueAt: r.due_at }));
    },
    async nextAlertAt() {
      const { rows } = await pool.query<{ at: number | null }>("SELECT MIN(due_at) AS at FROM alerts WHERE state = 'pending'");
      return rows[0]!.at;
    },
    /** The alert is handled: its deliveries (if any) are stored in the same transaction. */
    async resolveAlert(alertId, state, deliveries) {
      return inTransaction(pool, async (c) => {
        // The row is locked by the first node's UPDATE; the second waits, then finds it handled.
        const r = await c.query("UPDATE alerts SET state = $1 WHERE id = $2 AND state = 'pending'", [state, alertId]);
        if (r.rowCount === 0) return false;
        await insertDeliveries(c, alertId, deliveries);
        return true;
      });
    },
    async sendNow(ticketId, key, at, deliveries) {
      await inTransaction(pool, async (c) => {
        // An alert row made already handled, so its deliveries have one to belong to. A key the
        // ticket has already used fails here (unique per ticket and kind), deliveries and all.
        const { rows } = await c.query<{ id: number }>("INSERT INTO alerts (ticket_id, kind, due_at, state) VALUES ($1, $2, $3, 'done') RETURNING id", [ticketId, key, at]);
        await insertDeliveries(c, rows[0]!.id, deliveries);
      });
    },
    async dueDeliveries(now, limit) {
      const { rows } = await pool.query<DeliveryRow>("SELECT * FROM deliveries WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT $2", [now, limit]);
      return rows.map(toDelivery);
    },
    async nextDeliveryAt() {
      const { rows } = await pool.query<{ at: number | null }>("SELECT MIN(next_attempt_at) AS at FROM deliveries WHERE status = 'pending'");
      return rows[0]!.at;
    },
    async claimDelivery(id, read, until) {
      const r = await pool.query("UPDATE deliveries SET next_attempt_at = $1 WHERE id = $2 AND status = 'pending' AND next_attempt_at = $3", [until, id, read]);
      return r.rowCount === 1;
    },
    async updateDelivery(d) {
      await pool.query('UPDATE deliveries SET status = $1, attempts = $2, next_attempt_at = $3, last_error = $4, sent_at = $5 WHERE id = $6', [
        d.status,
        d.attempts,
        d.nextAttemptAt,
        d.lastError,
        d.sentAt,
        d.id,
      ]);
    },
    async deliveriesFor(ticketId) {
      const { rows } = await pool.query<DeliveryRow>('SELECT * FROM deliveries WHERE ticket_id = $1 ORDER BY created_at, id COLLATE "C"', [ticketId]);
      return rows.map(toDelivery);
    },
  };

  if (box) {
    // Every config is opened (a wrong key stops the start), the plain ones sealed. Only a row
    // still as read is rewritten: a channel another node saves meanwhile is not overwritten.
    const { rows } = await pool.query<ChannelRow>('SELECT id, config FROM alert_channels');
    for (const r of rows) {
      const config = open(r.config);
      if (!box.isSealed(r.config)) await pool.query('UPDATE alert_channels SET config = $1 WHERE id = $2 AND config = $3', [seal(config), r.id, r.config]);
    }
  }
  return store;
}

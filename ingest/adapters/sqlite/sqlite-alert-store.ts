/**
 * Alerting in SQLite: settings (roster, policy), channels, the alerts planned per ticket (unique
 * per ticket and kind, so an episode pages once however often it is planned), and deliveries
 * with their attempts. All state survives a restart: what was sent is not sent again, what was
 * due is still due.
 */
import type { SecretBox } from '../../security/secret-box.ts';
import type { AlertKind } from '../../core/alerting/alert-policy.ts';
import type { AlertStore, Delivery, DeliveryStatus, PendingAlert, StoredChannel } from '../../ports/alert-store.ts';
import type { Db } from './open-database.ts';
import { asynchronous, type Synchronous } from './asynchronous.ts';

export interface DeliveryRow {
  id: string;
  alert_id: number;
  ticket_id: string;
  kind: AlertKind;
  channel_id: string;
  recipients: string;
  title: string;
  text: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
}

export const toDelivery = (r: DeliveryRow): Delivery => ({
  id: r.id,
  alertId: r.alert_id,
  ticketId: r.ticket_id,
  kind: r.kind,
  channelId: r.channel_id,
  recipients: JSON.parse(r.recipients) as Delivery['recipients'],
  title: r.title,
  text: r.text,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  createdAt: r.created_at,
  sentAt: r.sent_at,
});

/**
 * `box` seals channel configs (they hold the credentials); without one they are stored plain
 * (tests of other parts). With a box, channels stored in plain text by an older version are
 * sealed at once, and a wrong key fails here, at start-up.
 */
export function createSqliteAlertStore(db: Db, box?: SecretBox): AlertStore {
  const seal = (config: unknown) => (box ? box.seal(JSON.stringify(config)) : JSON.stringify(config));
  const open = (stored: string) => JSON.parse(box ? box.open(stored) : stored) as StoredChannel['config'];
  const getSetting = db.prepare('SELECT value FROM alert_settings WHERE key = ?');
  const putSetting = db.prepare(
    'INSERT INTO alert_settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
  );
  const allChannels = db.prepare('SELECT * FROM alert_channels ORDER BY id');
  const putChannel = db.prepare(
    `INSERT INTO alert_channels (id, name, config, enabled, created_at) VALUES (@id, @name, @config, @enabled, @createdAt)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, config = excluded.config, enabled = excluded.enabled`,
  );
  const deleteChannel = db.prepare('DELETE FROM alert_channels WHERE id = ?');
  const insertAlert = db.prepare('INSERT OR IGNORE INTO alerts (ticket_id, kind, due_at) VALUES (?, ?, ?)');
  const dueAlerts = db.prepare("SELECT id, ticket_id, kind, due_at FROM alerts WHERE state = 'pending' AND due_at <= ? ORDER BY due_at LIMIT ?");
  const nextAlert = db.prepare("SELECT MIN(due_at) AS at FROM alerts WHERE state = 'pending'");
  const setAlertState = db.prepare("UPDATE alerts SET state = ? WHERE id = ? AND state = 'pending'");
  const claim = db.prepare("UPDATE deliveries SET next_attempt_at = ? WHERE id = ? AND status = 'pending' AND next_attempt_at = ?");
  const insertDelivery = db.prepare(
    `INSERT INTO deliveries (id, alert_id, ticket_id, kind, channel_id, recipients, title, text, next_attempt_at, created_at)
     VALUES (@id, @alertId, @ticketId, @kind, @channelId, @recipients, @title, @text, @nextAttemptAt, @createdAt)`,
  );
  const dueDeliveries = db.prepare("SELECT * FROM deliveries WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?");
  const nextDelivery = db.prepare("SELECT MIN(next_attempt_at) AS at FROM deliveries WHERE status = 'pending'");
  const markDelivery = db.prepare('UPDATE deliveries SET status = @status, attempts = @attempts, next_attempt_at = @nextAttemptAt, last_error = @lastError, sent_at = @sentAt WHERE id = @id');
  const byTicket = db.prepare('SELECT * FROM deliveries WHERE ticket_id = ? ORDER BY created_at, id');

  const store: Synchronous<AlertStore> = {
    setting: <T>(key: string) => {
      const row = getSetting.get(key) as { value: string } | undefined;
      return row ? (JSON.parse(row.value) as T) : undefined;
    },
    putSetting: (key, value, at) => void putSetting.run(key, JSON.stringify(value), at),

    channels: () =>
      (allChannels.all() as { id: string; name: string; config: string; enabled: number; created_at: number }[]).map(
        (r): StoredChannel => ({ id: r.id, name: r.name, config: open(r.config), enabled: r.enabled === 1, createdAt: r.created_at }),
      ),
    putChannel: (c) => void putChannel.run({ id: c.id, name: c.name, config: seal(c.config), enabled: c.enabled ? 1 : 0, createdAt: c.createdAt }),
    deleteChannel: (id) => deleteChannel.run(id).changes > 0,

    planAlerts: db.transaction((ticketId: string, plan: { kind: AlertKind; at: number }[]) => {
      for (const p of plan) insertAlert.run(ticketId, p.kind, p.at);
    }),
    dueAlerts: (now, limit) =>
      (dueAlerts.all(now, limit) as { id: number; ticket_id: string; kind: AlertKind; due_at: number }[]).map((r): PendingAlert => ({ id: r.id, ticketId: r.ticket_id, kind: r.kind, dueAt: r.due_at })),
    nextAlertAt: () => (nextAlert.get() as { at: number | null }).at,
    /** The alert is handled: its deliveries (if any) are stored in the same transaction. */
    resolveAlert: db.transaction((alertId: number, state: 'done' | 'cancelled', deliveries: Omit<Delivery, 'status' | 'attempts' | 'lastError' | 'sentAt' | 'alertId'>[]) => {
      if (setAlertState.run(state, alertId).changes === 0) return false;
      for (const d of deliveries) insertDelivery.run({ ...d, alertId, recipients: JSON.stringify(d.recipients) });
      return true;
    }),
    sendNow: db.transaction((ticketId: string, key: string, at: number, deliveries: Omit<Delivery, 'status' | 'attempts' | 'lastError' | 'sentAt' | 'alertId'>[]) => {
      // An alert row made already handled, so its deliveries have one to belong to.
      const alertId = Number(db.prepare("INSERT INTO alerts (ticket_id, kind, due_at, state) VALUES (?, ?, ?, 'done')").run(ticketId, key, at).lastInsertRowid);
      for (const d of deliveries) insertDelivery.run({ ...d, alertId, recipients: JSON.stringify(d.recipients) });
    }),
    dueDeliveries: (now, limit) => (dueDeliveries.all(now, limit) as DeliveryRow[]).map(toDelivery),
    nextDeliveryAt: () => (nextDelivery.get() as { at: number | null }).at,
    claimDelivery: (id, read, until) => claim.run(until, id, read).changes === 1,
    updateDelivery: (d) => void markDelivery.run({ id: d.id, status: d.status, attempts: d.attempts, nextAttemptAt: d.nextAttemptAt, lastError: d.lastError, sentAt: d.sentAt }),
    deliveriesFor: (ticketId) => (byTicket.all(ticketId) as DeliveryRow[]).map(toDelivery),
  };
  if (box) for (const channel of store.channels()) store.putChannel(channel);
  return asynchronous<AlertStore>(store);
}

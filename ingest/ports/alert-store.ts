/** Where alerting keeps its settings, channels, planned alerts and deliveries. */
import type { AlertKind } from '../core/alerting/alert-policy.ts';

export interface StoredChannel {
  id: string;
  name: string;
  /** The provider's configuration, secrets included: never returned by the API as is. */
  config: { type: string } & Record<string, unknown>;
  enabled: boolean;
  createdAt: number;
}

export interface PendingAlert {
  id: number;
  ticketId: string;
  kind: AlertKind;
  dueAt: number;
}

export type DeliveryStatus = 'pending' | 'sent' | 'failed';

export interface Delivery {
  /** Stable across retries and restarts: receivers may de-duplicate on it. */
  id: string;
  alertId: number;
  ticketId: string;
  kind: AlertKind;
  channelId: string;
  /** `id`: the roster person (absent in deliveries stored before links carried ids). */
  recipients: { id?: string; name: string; mobile?: string; email?: string }[];
  title: string;
  text: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: number;
  sentAt: number | null;
}

export interface AlertStore {
  setting<T>(key: string): Promise<T | undefined>;
  putSetting(key: string, value: unknown, at: number): Promise<void>;
  channels(): Promise<StoredChannel[]>;
  putChannel(c: StoredChannel): Promise<void>;
  deleteChannel(id: string): Promise<boolean>;
  /** Plans alerts for a ticket; an alert of a kind the ticket already has is ignored. */
  planAlerts(ticketId: string, plan: { kind: AlertKind; at: number }[]): Promise<void>;
  dueAlerts(now: number, limit: number): Promise<PendingAlert[]>;
  nextAlertAt(): Promise<number | null>;
  /**
   * The alert is handled, its deliveries (if any) stored with it — only while it is pending:
   * false, and nothing stored, when another node (a leader that has not yet noticed it no longer
   * leads) handled it first.
   */
  resolveAlert(alertId: number, state: 'done' | 'cancelled', deliveries: Omit<Delivery, 'status' | 'attempts' | 'lastError' | 'sentAt' | 'alertId'>[]): Promise<boolean>;
  /** Deliveries decided now, not planned (a 派单): stored under an alert `key` unique per ticket. */
  sendNow(ticketId: string, key: string, at: number, deliveries: Omit<Delivery, 'status' | 'attempts' | 'lastError' | 'sentAt' | 'alertId'>[]): Promise<void>;
  dueDeliveries(now: number, limit: number): Promise<Delivery[]>;
  nextDeliveryAt(): Promise<number | null>;
  /**
   * Takes a pending delivery, read with its next attempt at `read`, for one attempt: the next
   * attempt moves to `until`, so no other node sends it meanwhile, and if this one dies while
   * sending, it is tried again then. False when it is no longer as read (another node took it).
   */
  claimDelivery(id: string, read: number, until: number): Promise<boolean>;
  updateDelivery(d: Delivery): Promise<void>;
  deliveriesFor(ticketId: string): Promise<Delivery[]>;
}

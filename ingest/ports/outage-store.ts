import type { NoticeKind, OutageKind } from '../contracts/outages.ts';

/** A stop as stored: times as epoch ms. */
export interface Outage {
  id: number;
  substationId: string;
  kind: OutageKind;
  startsAt: number;
  endsAt: number | null;
  reason: string;
  areas: string | null;
  registeredAt: number;
  registeredBy: string;
  endedAt: number | null;
  cancelledAt: number | null;
  revision: number;
  updatedAt: number;
}

/** One notice to one household through one channel, for one revision of a stop. */
export interface Notice {
  id: string;
  outageId: number;
  revision: number;
  kind: NoticeKind;
  householdId: string;
  channelId: string;
  phone: string;
  text: string;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: number;
  sentAt: number | null;
}

export interface NoticeCounts {
  sent: number;
  failed: number;
  pending: number;
  firstSentAt: number | null;
}

export interface OutageStore {
  insert(o: Omit<Outage, 'id'>): Promise<Outage>;
  /** Applies the patch, bumping the revision when `bump` (a change customers are told of). */
  update(id: number, patch: Partial<Omit<Outage, 'id'>>): Promise<Outage>;
  get(id: number): Promise<Outage | undefined>;
  all(): Promise<Outage[]>;
  /** Queues notices; one already queued for the same stop, revision, household and channel is kept as it is. */
  queueNotices(list: readonly Omit<Notice, 'status' | 'attempts' | 'lastError' | 'sentAt'>[]): Promise<number>;
  dueNotices(now: number, limit: number): Promise<Notice[]>;
  nextNoticeAt(): Promise<number | null>;
  /** Takes a pending notice for one attempt, as `AlertStore.claimDelivery` a page: false when another node took it. */
  claimNotice(id: string, read: number, until: number): Promise<boolean>;
  updateNotice(n: Pick<Notice, 'id' | 'status' | 'attempts' | 'nextAttemptAt' | 'lastError' | 'sentAt'>): Promise<void>;
  /** Per stop: its notices' counts over every revision, and when the first one was sent. */
  noticeCounts(outageId: number): Promise<NoticeCounts>;
  notices(outageId: number): Promise<Notice[]>;
  /** Failed notices of the stop queued again from now, attempts reset; how many. */
  retryFailed(outageId: number, now: number): Promise<number>;
}

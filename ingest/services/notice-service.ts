/**
 * Customer notices (issue 14; 服务承诺 二.1(3), 二.4; 供热报告制度): each change of a stop — its
 * registration, a new restore time, heat back, a cancellation — is worded from the admin's
 * templates and queued once per household of the substation and customer channel (config
 * `customerNotices: true`: the SMS gateway, a WeChat service account's webhook), then sent and
 * retried like an alert (2 s, 10 s, 1 min, 5 min, 15 min). Every notice is stored before it is
 * sent: a restart sends nothing twice and forgets nothing due.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { formatBeijing } from '../contracts/beijing-time.ts';
import { maskPhone } from '../contracts/households.ts';
import {
  DEFAULT_NOTICE_TEMPLATES,
  fillNotice,
  noticeTemplatesSchema,
  type NoticeDeliveryView,
  type NoticeKind,
  type NoticeSummary,
  type NoticeTemplates,
} from '../contracts/outages.ts';
import type { AlertStore, StoredChannel } from '../ports/alert-store.ts';
import type { HouseholdStore } from '../ports/household-store.ts';
import { DeliveryError, type Notifier } from '../ports/notifier.ts';
import type { Notice, Outage, OutageStore } from '../ports/outage-store.ts';
import { BACKOFF_MS, claimMs } from './alerting-service.ts';
import { createDueWorkLoop } from './due-work-loop.ts';

const BATCH = 200;
const PAGE = 5_000;

export interface NoticeServiceDeps {
  store: OutageStore;
  households: Pick<HouseholdStore, 'list' | 'get'>;
  /** Channels and the templates' setting live with the alerting configuration. */
  settings: Pick<AlertStore, 'channels' | 'setting' | 'putSetting'>;
  notifierFor(channel: StoredChannel): Notifier;
  /** A substation's name, for the wording. */
  nameOf(substationId: string): string | undefined;
  clock?: () => number;
  logger: Logger;
  onDelivery?: (ok: boolean) => void;
  /** Notices queued on a node that does not send (another leads): wake the one that does. */
  wakeSender?: () => void;
}

/** 2026-12-06T08:00 → 12月6日 08:00 (Beijing time). */
export function noticeTime(ms: number): string {
  const s = formatBeijing(ms);
  return `${Number(s.slice(5, 7))}月${Number(s.slice(8, 10))}日 ${s.slice(11, 16)}`;
}

/** Whether a channel reaches customers: its config says so, and its kind can carry a notice. */
export const isCustomerChannel = (c: StoredChannel): boolean => c.enabled && (c.config as { customerNotices?: boolean }).customerNotices === true;

export function createNoticeService(d: NoticeServiceDeps) {
  const clock = d.clock ?? Date.now;
  const log = d.logger.child({ component: 'notices' });
  const notifiers = new Map<string, { key: string; notifier: Notifier }>();

  const templates = async (): Promise<NoticeTemplates> => {
    const stored = await d.settings.setting<unknown>('noticeTemplates');
    return stored === undefined ? DEFAULT_NOTICE_TEMPLATES : noticeTemplatesSchema.parse(stored);
  };

  function notifier(channel: StoredChannel): Notifier {
    const key = JSON.stringify(channel.config);
    const known = notifiers.get(channel.id);
    if (known?.key === key) return known.notifier;
    const created = d.notifierFor(channel);
    notifiers.set(channel.id, { key, notifier: created });
    return created;
  }

  /** The words of one notice for a stop as it is now. */
  async function word(o: Outage, kind: NoticeKind): Promise<string> {
    const t = await templates();
    const template = kind === 'stop' ? t[o.kind] : t[kind];
    const restoredAt = kind === 'restore' ? (o.endedAt ?? clock()) : o.endsAt;
    return fillNotice(template, {
      substation: d.nameOf(o.substationId) ?? o.substationId,
      areas: o.areas ?? d.nameOf(o.substationId) ?? o.substationId,
      reason: o.reason,
      start: noticeTime(o.startsAt),
      restore: restoredAt === null ? '另行通知' : noticeTime(restoredAt),
    });
  }

  async function householdsOf(substationId: string) {
    const all = [];
    for (let offset = 0; ; offset += PAGE) {
      const { households } = await d.households.list({ substationId, limit: PAGE, offset });
      all.push(...households);
      if (households.length < PAGE) return all;
    }
  }

  async function deliver(n: Notice, channel: StoredChannel | undefined): Promise<void> {
    const attempts = n.attempts + 1;
    try {
      if (!channel || !isCustomerChannel(channel)) throw new DeliveryError(`channel ${n.channelId} is removed, disabled or no longer for customers`, false);
      const send = notifier(channel).notify;
      if (!send) throw new DeliveryError(`a ${channel.config.type} channel cannot reach customers (SMS or webhook only)`, false);
      await send({ id: n.id, outageId: n.outageId, kind: n.kind, householdId: n.householdId, phone: n.phone, text: n.text });
      await d.store.updateNotice({ id: n.id, status: 'sent', attempts, nextAttemptAt: n.nextAttemptAt, lastError: null, sentAt: clock() });
      d.onDelivery?.(true);
    } catch (err) {
      const e = err instanceof DeliveryError ? err : new DeliveryError((err as Error).message, true, { cause: err });
      const final = !e.retryable || attempts > BACKOFF_MS.length;
      await d.store.updateNotice({ id: n.id, status: final ? 'failed' : 'pending', attempts, nextAttemptAt: final ? n.nextAttemptAt : clock() + BACKOFF_MS[attempts - 1]!, lastError: e.message, sentAt: null });
      d.onDelivery?.(false);
      // The phone is personal data: the household's id says enough in a log.
      if (final) log.warn({ outageId: n.outageId, householdId: n.householdId, channel: n.channelId, err: e.message }, 'customer notice failed for good');
    }
  }

  async function runOnce(): Promise<void> {
    const due = await d.store.dueNotices(clock(), BATCH);
    if (due.length === 0) return;
    const channels = new Map((await d.settings.channels()).map((c) => [c.id, c]));
    const now = clock();
    // Taken for this attempt, or sent by another node already: each notice goes out once.
    await Promise.all(
      due.map(async (n) => {
        const channel = channels.get(n.channelId);
        if (await d.store.claimNotice(n.id, n.nextAttemptAt, now + claimMs(channel))) await deliver(n, channel);
      }),
    );
    if (due.length === BATCH) loop.again();
  }

  const customerChannelCount = async (): Promise<number> => (await d.settings.channels()).filter(isCustomerChannel).length;

  const loop = createDueWorkLoop({ run: runOnce, nextDueAt: d.store.nextNoticeAt, clock, log, failure: 'sending notices failed', elsewhere: d.wakeSender });
  const kick = loop.kick;

  return {
    start: loop.start,
    /** Stops sending (another node leads now): what is due stays stored for it. */
    stop: loop.stop,
    /** Sends what is due now (woken by a node that queued notices). */
    kick,

    /**
     * Tells every household of the stop's substation about this revision of it, once per
     * customer channel. Returns how many notices were queued (0: no household, or no channel).
     */
    async announce(o: Outage, kind: NoticeKind): Promise<number> {
      const channels = (await d.settings.channels()).filter(isCustomerChannel);
      const households = await householdsOf(o.substationId);
      if (channels.length === 0 && households.length > 0) {
        log.warn({ outageId: o.id, substationId: o.substationId, households: households.length }, 'no customer channel (customerNotices: true): the households of this stop are not told');
      }
      const now = clock();
      const text = await word(o, kind);
      const queued = await d.store.queueNotices(
        households.flatMap((h) =>
          channels.map((c) => ({ id: randomUUID(), outageId: o.id, revision: o.revision, kind, householdId: h.id, channelId: c.id, phone: h.phone, text, nextAttemptAt: now, createdAt: now })),
        ),
      );
      if (queued > 0) kick();
      return queued;
    },

    /** `channels`: the customer channels' count when the caller has it already. */
    async summary(o: Outage, channels?: number): Promise<NoticeSummary> {
      const [c, { total }, customerChannels] = await Promise.all([
        d.store.noticeCounts(o.id),
        d.households.list({ substationId: o.substationId, limit: 1, offset: 0 }),
        channels ?? customerChannelCount(),
      ]);
      return {
        households: total,
        channels: customerChannels,
        sent: c.sent,
        failed: c.failed,
        pending: c.pending,
        firstSentAt: c.firstSentAt === null ? null : new Date(c.firstSentAt).toISOString(),
      };
    },

    /** When the first notice of the stop reached a household (epoch ms), or null. */
    firstSentAt: async (outageId: number): Promise<number | null> => (await d.store.noticeCounts(outageId)).firstSentAt,

    /** Every notice of the stop, per household and change; phones masked unless `staff`. */
    async deliveries(outageId: number, staff: boolean): Promise<NoticeDeliveryView[]> {
      const [channels, notices, outage] = await Promise.all([d.settings.channels(), d.store.notices(outageId), d.store.get(outageId)]);
      const channelNames = new Map(channels.map((c) => [c.id, c.name]));
      // The stop's households in one paged read, not one look-up per notice; one moved since is read alone.
      const addresses = new Map((outage ? await householdsOf(outage.substationId) : []).map((h) => [h.id, h.address]));
      for (const n of notices) if (!addresses.has(n.householdId)) addresses.set(n.householdId, (await d.households.get(n.householdId))?.address ?? '');
      return notices.map((n) => ({
        id: n.id,
        revision: n.revision,
        kind: n.kind,
        householdId: n.householdId,
        phone: staff ? n.phone : maskPhone(n.phone),
        address: addresses.get(n.householdId)!,
        channel: channelNames.get(n.channelId) ?? n.channelId,
        status: n.status,
        attempts: n.attempts,
        lastError: n.lastError,
        sentAt: n.sentAt === null ? null : new Date(n.sentAt).toISOString(),
      }));
    },

    /** Sends the stop's failed notices again, from now. */
    async retryFailed(outageId: number): Promise<number> {
      const n = await d.store.retryFailed(outageId, clock());
      if (n > 0) kick();
      return n;
    },

    /** How many enabled channels reach customers (0: a stop tells nobody). */
    customerChannels: customerChannelCount,
    templates,
    putTemplates: (t: NoticeTemplates) => d.settings.putSetting('noticeTemplates', t, clock()),
    /** A template filled in for a stop, to preview before saving. */
    preview: word,

    /** Runs what is due now and resolves when done (tests with an injected clock; a shutdown). */
    runNow: loop.runNow,
    close: loop.close,
  };
}

export type NoticeService = ReturnType<typeof createNoticeService>;

/**
 * Alerting the engineers on duty (issue 6). A ticket that opens gets its alerts planned
 * (alert-policy.ts) and stored; when one falls due and still has a reason to go out, the people
 * on duty for the ticket's substation (roster.ts) are messaged through their teams' channels,
 * one stored delivery per channel, retried with backoff. Every delivery shows in the ticket's
 * timeline. All of it is in SQLite: after a restart nothing sent is sent again and nothing due
 * is forgotten. (A message in flight at the moment of a crash is sent again, with the same
 * delivery id for the receiver to de-duplicate: a duplicate page is better than none.)
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { beijingClock } from '../contracts/beijing-time.ts';
import type { Device } from '../contracts/devices.ts';
import { TICKET_TYPE_ZH, type Ticket } from '../contracts/tickets.ts';
import { alertPolicySchema, DEFAULT_ALERT_POLICY, isCallbackAlert, planAlerts, planCallbackAlerts, stillDue, type AlertKind, type AlertPolicy } from '../core/alerting/alert-policy.ts';
import { dutyBoard, EMPTY_ROSTER, onDutyAt, type OnDuty, type Person, type Roster, type Team } from '../core/alerting/roster.ts';
import type { AlertStore, Delivery, StoredChannel } from '../ports/alert-store.ts';
import type { TicketTimeline } from '../ports/ticket-timeline.ts';
import { DeliveryError, type Notifier, type OutboundMessage } from '../ports/notifier.ts';
import type { AckLinks } from './ack-links.ts';
import { placeOf, renderAlert } from './alert-messages.ts';
import { createDueWorkLoop } from './due-work-loop.ts';
import { situationOf } from './facts-in-chinese.ts';

/** Waits between attempts; after the last, the delivery is marked failed. */
export const BACKOFF_MS = [2_000, 10_000, 60_000, 5 * 60_000, 15 * 60_000];
/** Consecutive failures after which a channel counts as failing (an alarm, on health and metrics). */
const FAILING_AFTER = 3;
const ACK_LINK_TTL_MS = 24 * 3_600_000;
const BATCH = 100;
/**
 * How long a delivery is taken for by the node sending it: the channel's own time-out twice (a
 * connection, then an answer) and a margin. A node that dies while sending leaves it to be sent
 * again after this. Channel configs are stored with their defaults, time-out included.
 */
export const claimMs = (channel: StoredChannel | undefined) => 2 * (typeof channel?.config.timeoutMs === 'number' ? channel.config.timeoutMs : 120_000) + 5_000;


export interface AckView {
  ticketId: string;
  /** 中文 type name. */
  type: string;
  place: string;
  /** Beijing time, or null without a deadline. */
  dueAt: string | null;
  description: string;
  status: Ticket['status'];
  /** Who the link was made for. */
  person: string;
}

export interface AlertingDeps {
  store: AlertStore;
  /** The ticket as it is now: an alert still due is sent only while there is a reason. */
  tickets: { find(id: string): Promise<Ticket | undefined> };
  /** Where each page, delivery and failure is written down for the dispatcher. */
  timeline: TicketTimeline;
  /** A device's name and address, for "where". */
  device(id: string): Pick<Device, 'name' | 'address'> | undefined;
  notifierFor(channel: StoredChannel): Notifier;
  links: AckLinks;
  clock?: () => number;
  logger: Logger;
  onDelivery?: (channelType: string, ok: boolean) => void;
  /** Alerts planned on a node that does not send (another leads): wake the one that does. */
  wakeSender?: () => void;
}

/**
 * 一.5 对服务人员投诉、举报: the duty managers of every team but the accused one, through those
 * teams' channels; nobody of the accused team, not even a manager who also has shifts there.
 */
function managersOutside(r: Roster, accusedTeam: string | null, at: number): OnDuty {
  const accused = new Set(r.shifts.filter((s) => s.team === accusedTeam).map((s) => s.person));
  const board = dutyBoard(r, at).filter((b) => b.team.id !== accusedTeam);
  const managers = new Map<string, Person>();
  const teams: Team[] = [];
  for (const b of board) {
    const clear = b.managers.filter((m) => !accused.has(m.id));
    if (clear.length === 0) continue;
    teams.push(b.team);
    for (const m of clear) managers.set(m.id, m);
  }
  return { engineers: [], managers: [...managers.values()], teams };
}

export function createAlertingService(d: AlertingDeps) {
  const clock = d.clock ?? Date.now;
  const log = d.logger.child({ component: 'alerting' });
  const failures = new Map<string, number>();
  const notifiers = new Map<string, { config: string; notifier: Notifier }>();
  const inFlight = new Set<string>();

  const nameOf = (id: string) => d.device(id)?.name;
  const roster = async (): Promise<Roster> => (await d.store.setting<Roster>('roster')) ?? EMPTY_ROSTER;
  // A policy stored before a field was added gets its default (callbacks: on).
  const policy = async (): Promise<AlertPolicy> => {
    const stored = await d.store.setting<unknown>('policy');
    return stored === undefined ? DEFAULT_ALERT_POLICY : alertPolicySchema.parse(stored);
  };

  function notifier(channel: StoredChannel): Notifier {
    const key = JSON.stringify(channel.config);
    const known = notifiers.get(channel.id);
    if (known?.config === key) return known.notifier;
    void known?.notifier.close?.();
    const created = d.notifierFor(channel);
    notifiers.set(channel.id, { config: key, notifier: created });
    return created;
  }

  /** Turns a due alert into deliveries, or cancels it when there is no longer a reason. */
  async function expand(alertId: number, ticketId: string, kind: AlertKind, now: number): Promise<void> {
    const t = await d.tickets.find(ticketId);
    if (!t || !stillDue(kind, t)) {
      await d.store.resolveAlert(alertId, 'cancelled', []);
      return;
    }
    const r = await roster();
    const duty = t.type === 'staff_complaint' ? managersOutside(r, t.accusedTeam, now) : onDutyAt(r, t.substationId, now);
    const people: Person[] =
      kind === 'page' || kind === 'reminder'
        ? duty.engineers.length > 0
          ? duty.engineers
          : duty.managers // nobody on duty for the substation: the manager must know
        : isCallbackAlert(kind)
          ? duty.managers.length > 0
            ? duty.managers // the callback is dispatch's: the duty manager sees that it is made
            : duty.engineers
          : [...duty.managers, ...duty.engineers];
    const channelIds = new Set(duty.teams.flatMap((team) => team.channels));
    const channels = (await d.store.channels()).filter((c) => c.enabled && channelIds.has(c.id));
    if (people.length === 0 || channels.length === 0) {
      // Handled by another node already (a leader that had not yet noticed it no longer leads).
      if (!(await d.store.resolveAlert(alertId, 'done', []))) return;
      const skipped = people.length === 0 ? 'nobody_on_duty' : 'no_channel';
      await d.timeline.record(t.id, 'alerting', 'notify_skipped', { alert: kind, skipped, substationId: t.substationId });
      // Said once at start when nothing is set up (below); per ticket, the timeline says it.
      log.info({ ticketId: t.id, kind, substationId: t.substationId, skipped }, 'alert not sent');
      return;
    }
    const p = (await policy()).types[t.type];
    const { title, text } = renderAlert({ ticket: t, situation: situationOf(t, nameOf), kind, place: placeOf(t, d.device), engineers: duty.engineers.map((e) => e.name), escalatedAfterMin: p?.escalateAfterMin ?? null, now });
    const recipients = people.map((x) => ({ id: x.id, name: x.name, ...(x.mobile ? { mobile: x.mobile } : {}), ...(x.email ? { email: x.email } : {}) }));
    await d.store.resolveAlert(
      alertId,
      'done',
      channels.map((c) => ({ id: randomUUID(), ticketId: t.id, kind, channelId: c.id, recipients, title, text, nextAttemptAt: now, createdAt: now })),
    );
  }

  async function deliver(delivery: Delivery, channel: StoredChannel | undefined): Promise<void> {
    const now = clock();
    const attempts = delivery.attempts + 1;
    const people = delivery.recipients.map((r) => r.name);
    try {
      if (!channel || !channel.enabled) throw new DeliveryError(`channel ${delivery.channelId} is removed or disabled`, false);
      // One link per person, in their own name (their roster id: short, whatever the name).
      const recipients: OutboundMessage['recipients'] = delivery.recipients.map(({ id, ...r }) =>
        delivery.kind === 'breach' || isCallbackAlert(delivery.kind) ? r : { ...r, ackLink: d.links.url({ ticketId: delivery.ticketId, person: id ?? r.name, expiresAt: now + ACK_LINK_TTL_MS }) },
      );
      await notifier(channel).send({
        id: delivery.id,
        ticketId: delivery.ticketId,
        title: delivery.title,
        text: delivery.text,
        link: d.links.ticketUrl(delivery.ticketId),
        ackLink: recipients[0]?.ackLink ?? null,
        recipients,
      });
      const sentAt = clock();
      await d.store.updateDelivery({ ...delivery, status: 'sent', attempts, sentAt, lastError: null });
      await d.timeline.record(delivery.ticketId, 'alerting', 'notified', { alert: delivery.kind, channel: channel.name, people });
      d.onDelivery?.(channel.config.type, true);
      if ((failures.get(channel.id) ?? 0) >= FAILING_AFTER) log.info({ channel: channel.id }, 'alert channel works again');
      failures.set(channel.id, 0);
    } catch (err) {
      const e = err instanceof DeliveryError ? err : new DeliveryError((err as Error).message, true, { cause: err });
      const final = !e.retryable || attempts > BACKOFF_MS.length;
      await d.store.updateDelivery({
        ...delivery,
        status: final ? 'failed' : 'pending',
        attempts,
        nextAttemptAt: final ? delivery.nextAttemptAt : now + BACKOFF_MS[attempts - 1]!,
        lastError: e.message,
        sentAt: null,
      });
      d.onDelivery?.(channel?.config.type ?? 'unknown', false);
      const count = (failures.get(delivery.channelId) ?? 0) + 1;
      failures.set(delivery.channelId, count);
      if (count === FAILING_AFTER) log.error({ channel: delivery.channelId, err: e.message }, 'alert channel keeps failing');
      if (final) await d.timeline.record(delivery.ticketId, 'alerting', 'notify_failed', { alert: delivery.kind, channel: channel?.name ?? delivery.channelId, people, error: e.message });
      else log.warn({ channel: delivery.channelId, ticketId: delivery.ticketId, attempt: attempts, err: e.message }, 'delivery failed, will retry');
    }
  }

  async function runOnce(): Promise<void> {
    const now = clock();
    for (const a of await d.store.dueAlerts(now, BATCH)) await expand(a.id, a.ticketId, a.kind, now);
    const channels = new Map((await d.store.channels()).map((c) => [c.id, c]));
    const due = (await d.store.dueDeliveries(now, BATCH)).filter((x) => !inFlight.has(x.id));
    for (const x of due) inFlight.add(x.id);
    await Promise.all(
      due.map(async (x) => {
        try {
          // Taken for this attempt, or sent by another node already: each page goes out once.
          const channel = channels.get(x.channelId);
          if (await d.store.claimDelivery(x.id, x.nextAttemptAt, now + claimMs(channel))) await deliver(x, channel);
        } finally {
          inFlight.delete(x.id);
        }
      }),
    );
  }

  const loop = createDueWorkLoop({
    run: runOnce,
    // The next alert or delivery due.
    nextDueAt: async () => {
      const [alert, delivery] = await Promise.all([d.store.nextAlertAt(), d.store.nextDeliveryAt()]);
      return Math.min(alert ?? Infinity, delivery ?? Infinity);
    },
    clock,
    log,
    failure: 'alerting run failed',
    elsewhere: d.wakeSender,
  });
  const kick = loop.kick;

  return {
    async start(): Promise<void> {
      if ((await roster()).shifts.length === 0 || (await d.store.channels()).length === 0) {
        log.warn('alerting is not set up (no duty roster or no channel): tickets open, but nobody is paged; see docs/alerting.md');
      }
      loop.start();
    },
    /** Stops sending (another node leads now): what is due stays stored for it. */
    stop: loop.stop,
    /** Sends what is due now (woken by a node that planned alerts). */
    kick,
    /** Runs what is due now and resolves when done (tests with an injected clock; a shutdown). */
    runNow: loop.runNow,
    /** A ticket was opened: plan its alerts and send what is due now at once. */
    async onTicketOpened(t: Ticket): Promise<void> {
      await d.store.planAlerts(t.id, planAlerts(t, await policy()));
      kick();
    },
    /**
     * 派单: the person dispatch gave the ticket to is told now, through the channels of the teams
     * they are on shift with (any time), or else of the teams answering for the substation.
     */
    async pageAssignee(t: Ticket, personId: string): Promise<void> {
      const r = await roster();
      const person = r.people.find((p) => p.id === personId);
      if (!person) return;
      const ownTeams = new Set(r.shifts.filter((s) => s.person === personId).map((s) => s.team));
      const teams = r.teams.filter((team) => ownTeams.has(team.id));
      const channelIds = new Set((teams.length > 0 ? teams : onDutyAt(r, t.substationId, clock()).teams).flatMap((team) => team.channels));
      const channels = (await d.store.channels()).filter((c) => c.enabled && channelIds.has(c.id));
      const now = clock();
      if (channels.length === 0) {
        await d.timeline.record(t.id, 'alerting', 'notify_skipped', { alert: 'assignment', skipped: 'no_channel', substationId: t.substationId });
        return;
      }
      const { title, text } = renderAlert({ ticket: t, situation: situationOf(t, nameOf), kind: 'assignment', place: placeOf(t, d.device), engineers: [person.name], escalatedAfterMin: null, now });
      const recipients = [{ id: person.id, name: person.name, ...(person.mobile ? { mobile: person.mobile } : {}), ...(person.email ? { email: person.email } : {}) }];
      await d.store.sendNow(t.id, `assignment:${randomUUID()}`, now, channels.map((c) => ({ id: randomUUID(), ticketId: t.id, kind: 'assignment' as const, channelId: c.id, recipients, title, text, nextAttemptAt: now, createdAt: now })));
      kick();
    },
    /** A ticket changed: once resolved with a callback due, plan the callback's alerts (once). */
    async onTicketChanged(t: Ticket): Promise<void> {
      if (t.status !== 'resolved' || t.callbackDueAt === null) return;
      // Already planned for this ticket: ignored. Days away, so the next scheduled run sees it.
      await d.store.planAlerts(t.id, planCallbackAlerts(t, await policy()));
    },
    roster,
    policy,
    putRoster: (r: Roster) => d.store.putSetting('roster', r, clock()),
    putPolicy: (p: AlertPolicy) => d.store.putSetting('policy', p, clock()),
    onDuty: async (substationId: string | null, at = clock()) => onDutyAt(await roster(), substationId, at),
    dutyBoard: async (at = clock()) => dutyBoard(await roster(), at),
    deliveriesFor: (ticketId: string) => d.store.deliveriesFor(ticketId),
    /**
     * What an acknowledge link's page shows before anyone confirms: the ticket (type, place,
     * deadline, what happened) and the name of the person the link was made for — no one else's.
     */
    async ackView(ticketId: string, personId: string): Promise<AckView | undefined> {
      const t = await d.tickets.find(ticketId);
      if (!t) return undefined;
      const person = (await roster()).people.find((p) => p.id === personId)?.name ?? personId;
      return { ticketId: t.id, type: TICKET_TYPE_ZH[t.type], place: placeOf(t, d.device), dueAt: t.dueAt ? beijingClock(Date.parse(t.dueAt)) : null, description: situationOf(t, nameOf), status: t.status, person };
    },
    /** Channels with FAILING_AFTER or more failures in a row. */
    failingChannels: (): string[] => [...failures].filter(([, n]) => n >= FAILING_AFTER).map(([id]) => id),
    /** Sends a test message through one channel now, outside any ticket. */
    async test(channel: StoredChannel, to: Person[]): Promise<void> {
      await notifier(channel).send({
        id: randomUUID(),
        ticketId: 'TEST',
        title: '【测试】HeatWatch 通知渠道测试',
        text: `这是一条测试消息，渠道：${channel.name}。This is a test message.`,
        link: d.links.ticketUrl('TEST'),
        ackLink: null,
        recipients: to.map((x) => ({ name: x.name, ...(x.mobile ? { mobile: x.mobile } : {}), ...(x.email ? { email: x.email } : {}) })),
      });
    },
    async close(): Promise<void> {
      await loop.close();
      await Promise.all([...notifiers.values()].map((n) => n.notifier.close?.()));
    },
  };
}

export type AlertingService = ReturnType<typeof createAlertingService>;

/**
 * Heat stops (停热, issue 14; DESIGN.md §3, §10): registered, changed, ended or cancelled by
 * dispatch; each of those tells every household of the substation (notice-service.ts). While a
 * stop lasts the substation and its rooms open no tickets; once it ends the rules judge them
 * again. Held in memory as well as stored: the rules ask for every reading.
 */
import { DAY_MS } from '../contracts/beijing-time.ts';
import type { Device } from '../contracts/devices.ts';
import type { NewOutage, NoticeKind, OutageChange, OutageStatus, OutageView, PublicStop } from '../contracts/outages.ts';
import { AppError } from '../errors.ts';
import type { Outage, OutageStore } from '../ports/outage-store.ts';
import type { NoticeService } from './notice-service.ts';

export interface OutageServiceDeps {
  store: OutageStore;
  device: (id: string) => Pick<Device, 'kind' | 'name' | 'address'> | undefined;
  notices: Pick<NoticeService, 'announce' | 'summary' | 'firstSentAt' | 'customerChannels'>;
  clock?: () => number;
}

/** Where a stop's cover ends: when heat came back, or (planned) when it is to; an unplanned one lasts until ended. */
function coverEnd(o: Outage): number {
  if (o.cancelledAt !== null) return o.startsAt;
  return o.endedAt ?? (o.kind === 'planned' && o.endsAt !== null ? o.endsAt : Number.POSITIVE_INFINITY);
}

export function statusOf(o: Outage, now: number): OutageStatus {
  if (o.cancelledAt !== null) return 'cancelled';
  if (now < o.startsAt) return 'scheduled';
  return now < coverEnd(o) ? 'active' : 'ended';
}

export function createOutageService({ store, device, notices, clock = Date.now }: OutageServiceDeps) {
  // Every stop, for the rules' per-reading question: read at start (`refresh`) and after each change.
  let outages: Outage[] = [];
  const refresh = async () => {
    outages = await store.all();
  };

  const mustGet = async (id: number): Promise<Outage> => {
    const o = await store.get(id);
    if (!o) throw new AppError('HW_NOT_FOUND', `no stop ${id}`);
    return o;
  };

  /** Stores the change, tells the households, and refreshes what the rules ask. */
  async function changed(o: Outage, kind: NoticeKind): Promise<Outage> {
    await refresh();
    await notices.announce(o, kind);
    return o;
  }

  /**
   * 服务承诺 二.1(3): customers hear of a planned stop at least 24 h before it begins — judged on
   * the first notice sent, not on when it was typed in; none yet with under 24 h to go is late.
   */
  function lateNotice(o: Outage, now: number, told: number | null): boolean {
    if (o.kind !== 'planned') return false;
    if (told !== null) return told > o.startsAt - DAY_MS;
    if (o.cancelledAt !== null) return o.cancelledAt > o.startsAt - DAY_MS;
    return now > o.startsAt - DAY_MS;
  }

  /** `channels`: the customer channels, counted once for a whole list (their configs are sealed). */
  async function view(o: Outage, now = clock(), channels?: number): Promise<OutageView> {
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    // One look at the notices serves both the summary and whether they were late.
    const summary = await notices.summary(o, channels);
    return {
      id: o.id,
      substationId: o.substationId,
      kind: o.kind,
      status: statusOf(o, now),
      startsAt: iso(o.startsAt)!,
      endsAt: iso(o.endsAt),
      endedAt: iso(o.endedAt),
      cancelledAt: iso(o.cancelledAt),
      reason: o.reason,
      areas: o.areas,
      registeredAt: iso(o.registeredAt)!,
      registeredBy: o.registeredBy,
      updatedAt: iso(o.updatedAt)!,
      revision: o.revision,
      lateNotice: lateNotice(o, now, summary.firstSentAt === null ? null : Date.parse(summary.firstSentAt)),
      notices: summary,
    };
  }

  function mustBeOpen(o: Outage): void {
    if (o.cancelledAt !== null) throw new AppError('HW_CONFLICT', `stop ${o.id} was cancelled`);
    if (o.endedAt !== null) throw new AppError('HW_CONFLICT', `stop ${o.id} has ended`);
  }

  return {
    view,
    /** Reads the stops again (at start; on another node's change). */
    refresh,

    async register(input: NewOutage, actor: string): Promise<OutageView> {
      if (device(input.substationId)?.kind !== 'substation') throw new AppError('HW_UNKNOWN_SUBSTATION', `substation ${input.substationId} is not provisioned`);
      const now = clock();
      const o = await store.insert({
        substationId: input.substationId,
        kind: input.kind,
        startsAt: input.startsAt,
        endsAt: input.endsAt ?? null,
        reason: input.reason,
        areas: input.areas || null,
        registeredAt: now,
        registeredBy: actor,
        endedAt: null,
        cancelledAt: null,
        revision: 0,
        updatedAt: now,
      });
      return view(await changed(o, 'stop'), now);
    },

    /** A new expected restore time (and, before a planned stop begins, a new start). */
    async change(id: number, input: OutageChange, _actor: string): Promise<OutageView> {
      const o = await mustGet(id);
      mustBeOpen(o);
      const now = clock();
      if (input.startsAt !== undefined && input.startsAt !== o.startsAt && (o.kind !== 'planned' || now >= o.startsAt)) {
        throw new AppError('HW_CONFLICT', 'only a planned stop that has not begun may move its start');
      }
      const startsAt = input.startsAt ?? o.startsAt;
      if (input.endsAt <= startsAt) throw new AppError('HW_BAD_REQUEST', '`endsAt` must be after `startsAt`');
      const updated = await store.update(id, { startsAt, endsAt: input.endsAt, reason: input.reason ?? o.reason, revision: o.revision + 1, updatedAt: now });
      return view(await changed(updated, 'change'), now);
    },

    /** Heat is back (恢复供热): the rules judge the rooms again from `at`. */
    async end(id: number, at: number | undefined, _actor: string): Promise<OutageView> {
      const o = await mustGet(id);
      mustBeOpen(o);
      const now = clock();
      const endedAt = at ?? now;
      if (endedAt > now) throw new AppError('HW_BAD_REQUEST', 'heat cannot be back in the future: end the stop when it is');
      if (endedAt < o.startsAt) throw new AppError('HW_CONFLICT', 'the stop has not begun: cancel it instead');
      const updated = await store.update(id, { endedAt, revision: o.revision + 1, updatedAt: now });
      return view(await changed(updated, 'restore'), now);
    },

    /** Called off before it began; households already told are told it is off. */
    async cancel(id: number, _actor: string): Promise<OutageView> {
      const o = await mustGet(id);
      mustBeOpen(o);
      const now = clock();
      if (now >= o.startsAt) throw new AppError('HW_CONFLICT', 'the stop has begun: end it instead');
      const updated = await store.update(id, { cancelledAt: now, revision: o.revision + 1, updatedAt: now });
      await refresh();
      const s = await notices.summary(updated);
      if (s.sent + s.pending + s.failed > 0) await notices.announce(updated, 'cancel');
      return view(updated, now);
    },

    get: async (id: number): Promise<OutageView> => view(await mustGet(id)),
    find: mustGet,
    list: async (): Promise<OutageView[]> => {
      const now = clock();
      const channels = await notices.customerChannels();
      return Promise.all(outages.map((o) => view(o, now, channels)));
    },

    /** Stops overlapping [from, to) for the report: not cancelled, with the span they covered. */
    async forReport(from: number, to: number): Promise<{ substationId: string; startsAt: number; endsAt: number; lateNotice: boolean }[]> {
      const now = clock();
      const covering = outages.filter((o) => o.cancelledAt === null && o.startsAt < to && Math.min(coverEnd(o), now) > from);
      return Promise.all(covering.map(async (o) => ({ substationId: o.substationId, startsAt: o.startsAt, endsAt: Math.min(coverEnd(o), now), lateNotice: lateNotice(o, now, await notices.firstSentAt(o.id)) })));
    },

    /** Current and upcoming stops, as the public page shows them: places and times, no person. */
    publicStops(substationId?: string): PublicStop[] {
      const now = clock();
      return outages
        .filter((o) => (substationId === undefined || o.substationId === substationId) && ['scheduled', 'active'].includes(statusOf(o, now)))
        .map((o) => {
          const station = device(o.substationId);
          return {
            substationId: o.substationId,
            substation: station?.name ?? o.substationId,
            areas: o.areas ?? station?.address ?? '',
            kind: o.kind,
            status: statusOf(o, now) as PublicStop['status'],
            reason: o.reason,
            startsAt: new Date(o.startsAt).toISOString(),
            expectedRestoreAt: o.endsAt === null ? null : new Date(o.endsAt).toISOString(),
            updatedAt: new Date(o.updatedAt).toISOString(),
          };
        });
    },

    /** Whether a stop covers the substation at `at` (event time): no tickets then. */
    covers(substationId: string | null, at: number): boolean {
      if (!substationId) return false;
      for (const o of outages) if (o.substationId === substationId && o.startsAt <= at && at < coverEnd(o)) return true;
      return false;
    },
  };
}

export type OutageService = ReturnType<typeof createOutageService>;

/**
 * Planned heat stops (计划停热): registered by dispatch, and while one lasts the substation and
 * its rooms open no tickets (DESIGN.md §3). Held in memory as well as stored: the rules ask for
 * every reading.
 */
import { DAY_MS } from '../contracts/beijing-time.ts';
import type { Device } from '../contracts/devices.ts';
import { AppError } from '../errors.ts';
import type { Outage, TicketStore } from '../ports/ticket-store.ts';

export interface OutageServiceDeps {
  store: Pick<TicketStore, 'insertOutage' | 'outages'>;
  device: (id: string) => Pick<Device, 'kind'> | undefined;
  clock?: () => number;
}

export function createOutageService({ store, device, clock = Date.now }: OutageServiceDeps) {
  let outages = store.outages();

  return {
    register(input: { substationId: string; startsAt: number; endsAt: number; reason: string }, actor: string): Outage {
      if (device(input.substationId)?.kind !== 'substation') throw new AppError('HW_UNKNOWN_SUBSTATION', `substation ${input.substationId} is not provisioned`);
      if (input.endsAt <= input.startsAt) throw new AppError('HW_BAD_REQUEST', '`endsAt` must be after `startsAt`');
      const now = clock();
      // 服务承诺 二.1(3): customers are told at least 24 h ahead of a planned stop.
      const outage = store.insertOutage({ ...input, registeredAt: now, registeredBy: actor, lateNotice: input.startsAt - now < DAY_MS });
      outages = store.outages();
      return outage;
    },

    list: (): Outage[] => outages,

    /** Whether a registered outage covers the substation at `at` (event time). */
    covers(substationId: string | null, at: number): boolean {
      if (!substationId) return false;
      return outages.some((o) => o.substationId === substationId && o.startsAt <= at && at < o.endsAt);
    },
  };
}

export type OutageService = ReturnType<typeof createOutageService>;

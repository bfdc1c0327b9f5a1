/**
 * One search box for dispatch (issue 15): a ticket number, a device's id, name or address, a
 * household's or caller's name or phone — however the number was typed. And a caller's history
 * (来电弹屏): every earlier ticket of a phone number, whether typed as the ticket's contact or
 * the number of a household whose rooms the tickets were about, so a repeat complaint stands out.
 */
import type { Device } from '../contracts/devices.ts';
import type { Household } from '../contracts/households.ts';
import type { Ticket } from '../contracts/tickets.ts';
import type { HouseholdStore } from '../ports/household-store.ts';
import type { TicketRecord, TicketStore } from '../ports/ticket-store.ts';

const LIMIT = 10;
const HISTORY_LIMIT = 50;

/** The digits of something that looks like a phone number (6 or more), without a +86; else null. */
export function phoneDigits(q: string): string | null {
  const digits = q.replace(/^\s*\+86/, '').replace(/[\s-]/g, '');
  return /^\d{6,}$/.test(digits) ? digits : null;
}

/** T-123, t123, 000123 → T-000123: a ticket number however it was typed. */
export function ticketNumber(q: string): string | null {
  const m = /^\s*(?:T-?)?0*(\d{1,6})\s*$/i.exec(q);
  return m && /t/i.test(q) ? `T-${m[1]!.padStart(6, '0')}` : null;
}

export interface SearchDeps {
  tickets: Pick<TicketStore, 'search'>;
  households: Pick<HouseholdStore, 'search' | 'forDevice' | 'get'>;
  devices: () => Iterable<Device>;
  view: (t: TicketRecord) => Ticket;
}

export function createSearchService(d: SearchDeps) {
  return {
    async search(q: string): Promise<{ tickets: Ticket[]; devices: Device[]; households: Household[] }> {
      const text = q.trim();
      const digits = phoneDigits(text);
      const number = ticketNumber(text);
      const lower = text.toLowerCase();
      const devices: Device[] = [];
      for (const dev of d.devices()) {
        if (devices.length >= LIMIT) break;
        if (dev.id.toLowerCase().includes(lower) || dev.name.toLowerCase().includes(lower) || dev.address.toLowerCase().includes(lower)) devices.push(dev);
      }
      const households = await d.households.search({ text, digits, limit: LIMIT });
      const tickets = (await d.tickets.search({ text: number ?? text, digits, deviceIds: households.flatMap((h) => h.deviceIds), limit: LIMIT })).map(d.view);
      return { tickets, devices, households };
    },

    /** A caller's earlier tickets, newest first, and the households with that number. */
    async history(phone: string): Promise<{ households: Household[]; tickets: Ticket[] }> {
      const digits = phoneDigits(phone);
      if (!digits) return { households: [], tickets: [] };
      const households = await d.households.search({ text: null, digits, limit: LIMIT });
      const tickets = (await d.tickets.search({ text: null, digits, deviceIds: households.flatMap((h) => h.deviceIds), limit: HISTORY_LIMIT })).map(d.view);
      return { households, tickets };
    },

    /**
     * A household's page: its tickets, newest first — those about its rooms' sensors and those
     * its phone number called in (a hotline ticket may name no sensor). Undefined when unknown.
     */
    async household(id: string): Promise<{ household: Household; tickets: Ticket[] } | undefined> {
      const household = await d.households.get(id);
      if (!household) return undefined;
      const tickets = (await d.tickets.search({ text: null, digits: phoneDigits(household.phone), deviceIds: household.deviceIds, limit: HISTORY_LIMIT })).map(d.view);
      return { household, tickets };
    },
  };
}

export type SearchService = ReturnType<typeof createSearchService>;

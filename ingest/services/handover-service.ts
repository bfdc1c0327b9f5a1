/**
 * 交接班 (issue 15, part 5): the outgoing dispatcher produces the handover sheet from what is
 * open now and it is kept as produced; someone else acknowledges taking it over, once. Names
 * are the accounts' shown names as they were then.
 */
import type { Handover, HandoverSheet, Person } from '../contracts/handovers.ts';
import type { OutageView } from '../contracts/outages.ts';
import type { Ticket } from '../contracts/tickets.ts';
import { handoverSheet } from '../core/handover/handover-sheet.ts';
import { AppError } from '../errors.ts';
import type { HandoverStore } from '../ports/handover-store.ts';

export type HandoverListener = (h: Handover) => void;

export interface HandoverDeps {
  store: HandoverStore;
  activeTickets: () => Promise<Ticket[]>;
  stops: () => Promise<OutageView[]>;
  nameOf: (deviceId: string) => string | undefined;
  /** A login's shown name (the account's display name, else the login). */
  personOf: (username: string) => Promise<string>;
  clock?: () => number;
}

export function createHandoverService({ store, activeTickets, stops, nameOf, personOf, clock = Date.now }: HandoverDeps) {
  const person = async (username: string): Promise<Person> => ({ username, name: await personOf(username) });
  const sheet = async (at: number): Promise<HandoverSheet> => {
    const [tickets, outages] = await Promise.all([activeTickets(), stops()]);
    return handoverSheet(tickets, outages, nameOf, at);
  };
  const mustGet = async (id: number): Promise<Handover> => {
    const h = await store.get(id);
    if (!h) throw new AppError('HW_NOT_FOUND', `no handover ${id}`);
    return h;
  };
  const listeners: HandoverListener[] = [];
  const changed = (h: Handover): Handover => {
    for (const listener of listeners) listener(h);
    return h;
  };

  return {
    /** The sheet as it would be produced now (not kept). */
    draft: (): Promise<HandoverSheet> => sheet(clock()),

    async produce(username: string, note: string): Promise<Handover> {
      const now = clock();
      return changed(await store.insert({ at: now, from: await person(username), note, sheet: await sheet(now) }));
    },

    list: (limit: number): Promise<Handover[]> => store.list(limit),
    get: mustGet,

    /** The incoming dispatcher takes it over: not its author, and only once. */
    async acknowledge(username: string, id: number, note: string): Promise<Handover> {
      const h = await mustGet(id);
      if (h.from.username === username) throw new AppError('HW_CONFLICT', 'the sheet is acknowledged by the one taking over, not by its author');
      if (!(await store.acknowledge(id, clock(), await person(username), note))) {
        throw new AppError('HW_CONFLICT', `handover ${id} was already acknowledged by ${(await store.get(id))?.acknowledgedBy?.name ?? 'someone'}`);
      }
      return changed(await mustGet(id));
    },

    /** A sheet produced or taken over: the live hub cues the dispatchers' top bars. */
    onChange(listener: HandoverListener): void {
      listeners.push(listener);
    },
  };
}

export type HandoverService = ReturnType<typeof createHandoverService>;

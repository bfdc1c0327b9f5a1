/**
 * 今日走访 (issue 16): what an engineer has on a day, found through the duty roster — their roster
 * person (person.username = their login), the teams they have shifts in, the substations those
 * teams answer for ('*': all). The visits of the day at those substations' households or with the
 * person's name among the staff; the active customer tickets of those substations and whatever
 * was given to them. Without a roster person: the visits with their name, nothing else.
 */
import { DAY_MS, localDateOf, localMidnight, type LocalDate } from '../contracts/beijing-time.ts';
import type { Household } from '../contracts/households.ts';
import type { MyDay } from '../contracts/my-day.ts';
import { closesWithoutCallback } from '../contracts/ticket-lifecycle.ts';
import { mayReadTicket, type Ticket } from '../contracts/tickets.ts';
import type { Role } from '../contracts/users.ts';
import type { Visit } from '../contracts/visits.ts';
import type { Roster } from '../core/alerting/roster.ts';

export interface MyDayInput {
  username: string;
  /** The login's name as colleagues know it (may be empty). */
  displayName: string;
  role: Role;
  roster: Roster;
  /** The day's visits (not cancelled). */
  visits: readonly Visit[];
  household: (id: string) => Household | undefined;
  /** Tickets not closed. */
  activeTickets: readonly Ticket[];
}

/** A ticket with a customer behind it: not a sensor's maintenance, not a substation incident. */
const isCustomerTicket = (t: Ticket) => !closesWithoutCallback(t);

/** Most pressing first: the nearest deadline, then the oldest. */
const byDeadline = (a: Ticket, b: Ticket) => (a.dueAt ?? '\uffff').localeCompare(b.dueAt ?? '\uffff') || a.openedAt.localeCompare(b.openedAt) || a.id.localeCompare(b.id);

/** The selection, pure: everything it needs is passed in. */
export function selectMyDay(input: MyDayInput): Omit<MyDay, 'date'> {
  const people = input.roster.people.filter((p) => p.username === input.username);
  const personIds = new Set(people.map((p) => p.id));
  const teamIds = new Set(input.roster.shifts.filter((s) => personIds.has(s.person)).map((s) => s.team));
  const teams = input.roster.teams.filter((t) => teamIds.has(t.id));
  const everywhere = teams.some((t) => t.substations === '*');
  const substations = new Set(teams.flatMap((t) => (t.substations === '*' ? [] : t.substations)));
  const covers = (substationId: string | null | undefined) => substationId != null && (everywhere || substations.has(substationId));
  const names = new Set([input.displayName, ...people.map((p) => p.name)].map((n) => n.trim()).filter(Boolean));

  const visits = input.visits.filter((v) => covers(input.household(v.householdId)?.substationId) || v.staff.some((s) => names.has(s.trim())));
  const households = [...new Set(visits.map((v) => v.householdId))].flatMap((id) => input.household(id) ?? []);
  const tickets = input.activeTickets
    .filter((t) => t.status !== 'closed' && mayReadTicket(input.role, t))
    .filter((t) => (isCustomerTicket(t) && covers(t.substationId)) || (t.assignee !== null && personIds.has(t.assignee.id)))
    .sort(byDeadline);
  const person = people[0] ? { id: people[0].id, name: people[0].name } : null;
  return { person, teams: teams.map((t) => ({ id: t.id, name: t.name })), visits, households, tickets };
}

export interface MyDayDeps {
  roster: () => Promise<Roster>;
  /** Visits appointed in [from, to), not cancelled. */
  scheduled: (from: number, to: number) => Promise<Visit[]>;
  household: (id: string) => Promise<Household | undefined>;
  activeTickets: () => Promise<Ticket[]>;
  displayName: (username: string) => Promise<string>;
  clock?: () => number;
}

export function createMyDayService({ roster, scheduled, household, activeTickets, displayName, clock = Date.now }: MyDayDeps) {
  return {
    /** The user's day; today (Beijing) when no date is said. */
    async forUser(user: { username: string; role: Role }, date: LocalDate = localDateOf(clock())): Promise<MyDay> {
      const from = localMidnight(date);
      const [name, r, visits, active] = await Promise.all([displayName(user.username), roster(), scheduled(from, from + DAY_MS), activeTickets()]);
      // The day's households, read once for the pure selection.
      const homes = new Map<string, Household>();
      for (const id of new Set(visits.map((v) => v.householdId))) {
        const h = await household(id);
        if (h) homes.set(id, h);
      }
      const picked = selectMyDay({ username: user.username, displayName: name, role: user.role, roster: r, visits, household: (id) => homes.get(id), activeTickets: active });
      return { date, ...picked };
    },
  };
}

export type MyDayService = ReturnType<typeof createMyDayService>;

/**
 * The duty roster (issue 6; 服务承诺 一.1/一.3: 热线值班、干部值班, someone on duty around the clock):
 * teams cover substations, shifts put people on duty at local times on weekdays, and "who is
 * paged right now for substation X" has one answer. Pure: the instant is passed in.
 *
 * A shift runs from `start` to `end` in Asia/Shanghai on each of its weekdays; an `end` at or
 * before `start` runs overnight into the next day (20:00–08:00), and belongs to the weekday it
 * starts on: Monday's night shift still covers Tuesday 03:00.
 */
import { z } from 'zod';
import { addDays, localDateOf, localMidnight, weekdayOf } from '../../contracts/beijing-time.ts';

const MINUTE_MS = 60_000;
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM, 24-hour, e.g. 08:00');
const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and -, 1 to 64 characters');

export const personSchema = z
  .object({
    id,
    name: z.string().trim().min(1).max(100),
    /** For SMS and for @-mentions in WeCom/DingTalk groups. */
    mobile: z.string().regex(/^\+?\d{6,15}$/, 'digits only, e.g. 13800000000').optional(),
    email: z.email().optional(),
    /** Their HeatWatch login, so 我的工单 shows what was given to them. */
    username: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/).optional(),
  })
  .strict();

export const teamSchema = z
  .object({
    id,
    name: z.string().trim().min(1).max(100),
    /** Substations this team answers for; "*" for all (e.g. the company's duty managers). */
    substations: z.union([z.literal('*'), z.array(z.string().min(1).max(64))]),
    /** Channels (by id) its pages go to, e.g. the team's WeCom group and SMS. */
    channels: z.array(id).default([]),
  })
  .strict();

export const shiftSchema = z
  .object({
    team: id,
    person: id,
    role: z.enum(['engineer', 'manager']),
    /** 1 = Monday … 7 = Sunday. */
    weekdays: z.array(z.number().int().min(1).max(7)).min(1),
    start: hhmm,
    end: hhmm,
  })
  .strict();

export const rosterSchema = z
  .object({
    people: z.array(personSchema).default([]),
    teams: z.array(teamSchema).default([]),
    shifts: z.array(shiftSchema).default([]),
  })
  .strict()
  .superRefine((r, ctx) => {
    const people = new Set(r.people.map((p) => p.id));
    const teams = new Set(r.teams.map((t) => t.id));
    if (people.size !== r.people.length) ctx.addIssue({ code: 'custom', path: ['people'], message: 'person ids must be unique' });
    if (teams.size !== r.teams.length) ctx.addIssue({ code: 'custom', path: ['teams'], message: 'team ids must be unique' });
    r.shifts.forEach((s, i) => {
      if (!people.has(s.person)) ctx.addIssue({ code: 'custom', path: ['shifts', i, 'person'], message: `no person ${s.person}` });
      if (!teams.has(s.team)) ctx.addIssue({ code: 'custom', path: ['shifts', i, 'team'], message: `no team ${s.team}` });
    });
  });

export type Roster = z.output<typeof rosterSchema>;
export type Person = z.output<typeof personSchema>;
export type Team = z.output<typeof teamSchema>;
export type Shift = z.output<typeof shiftSchema>;

export const EMPTY_ROSTER: Roster = { people: [], teams: [], shifts: [] };

export interface OnDuty {
  engineers: Person[];
  managers: Person[];
  /** Teams answering for the substation, whose channels carry the pages. */
  teams: Team[];
}

const minutesOf = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
/** 1 = Monday … 7 = Sunday, for a local date. */
const isoWeekday = (date: string) => weekdayOf(date) || 7;

/** Whether the shift covers the instant `at`. */
export function shiftCovers(shift: Shift, at: number): boolean {
  const today = localDateOf(at);
  const start = minutesOf(shift.start);
  const end = minutesOf(shift.end);
  const overnight = end <= start;
  // The shift that started today, and (overnight) the one that started yesterday.
  for (const date of overnight ? [today, addDays(today, -1)] : [today]) {
    if (!shift.weekdays.includes(isoWeekday(date))) continue;
    const from = localMidnight(date) + start * MINUTE_MS;
    const to = localMidnight(date) + (overnight ? end + 24 * 60 : end) * MINUTE_MS;
    if (at >= from && at < to) return true;
  }
  return false;
}

const answersFor = (team: Team, substationId: string | null) =>
  team.substations === '*' || (substationId !== null && team.substations.includes(substationId));

/** Every team with who is on duty in it at `at`: the duty board. */
export function dutyBoard(roster: Roster, at: number): { team: Team; engineers: Person[]; managers: Person[] }[] {
  const people = new Map(roster.people.map((p) => [p.id, p]));
  return roster.teams.map((team) => {
    const on = roster.shifts.filter((s) => s.team === team.id && shiftCovers(s, at));
    const pick = (role: Shift['role']) => [...new Map(on.filter((s) => s.role === role).flatMap((s) => (people.has(s.person) ? [[s.person, people.get(s.person)!] as const] : []))).values()];
    return { team, engineers: pick('engineer'), managers: pick('manager') };
  });
}

/** Who is on duty for a substation (or, with null, for tickets without one) at `at`. */
export function onDutyAt(roster: Roster, substationId: string | null, at: number): OnDuty {
  const teams = roster.teams.filter((t) => answersFor(t, substationId) || (substationId === null && t.substations === '*'));
  const teamIds = new Set(teams.map((t) => t.id));
  const people = new Map(roster.people.map((p) => [p.id, p]));
  const engineers = new Map<string, Person>();
  const managers = new Map<string, Person>();
  for (const s of roster.shifts) {
    if (!teamIds.has(s.team) || !shiftCovers(s, at)) continue;
    const person = people.get(s.person);
    if (person) (s.role === 'manager' ? managers : engineers).set(person.id, person);
  }
  return { engineers: [...engineers.values()], managers: [...managers.values()], teams };
}

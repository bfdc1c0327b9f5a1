/**
 * The roster editor's form, pure: the roster as editable strings and back to the JSON the API
 * takes, fresh ids for new people and teams (ids are what shifts refer to; people only see names),
 * and the server's 400 answer ("shifts.0.person: no person x; …") split into problems per field.
 */
import type { I18n } from '../../lib/i18n/i18n.svelte.ts';
import type { DutyRole, Roster } from './duty-types.ts';

export interface PersonDraft {
  id: string;
  name: string;
  mobile: string;
  email: string;
  /** Their HeatWatch login (我的工单). */
  username: string;
}

export interface TeamDraft {
  id: string;
  name: string;
  allSubstations: boolean;
  /** Kept while "all" is ticked, so unticking it brings the list back. */
  substations: string[];
  channels: string[];
}

export interface ShiftDraft {
  team: string;
  person: string;
  role: DutyRole;
  weekdays: number[];
  start: string;
  end: string;
}

export interface RosterDraft {
  people: PersonDraft[];
  teams: TeamDraft[];
  /** One flat list in the order sent, so the server's "shifts.N" finds its row. */
  shifts: ShiftDraft[];
}

export function draftFromRoster(r: Roster): RosterDraft {
  return {
    people: r.people.map((p) => ({ id: p.id, name: p.name, mobile: p.mobile ?? '', email: p.email ?? '', username: p.username ?? '' })),
    teams: r.teams.map((t) => ({
      id: t.id,
      name: t.name,
      allSubstations: t.substations === '*',
      substations: t.substations === '*' ? [] : [...t.substations],
      channels: [...t.channels],
    })),
    shifts: r.shifts.map((s) => ({ ...s, weekdays: [...s.weekdays] })),
  };
}

/** The JSON for PUT /api/alerting/roster: trimmed, empty contacts left out, weekdays in order. */
export function rosterFromDraft(d: RosterDraft): Roster {
  return {
    people: d.people.map((p) => {
      const mobile = p.mobile.trim();
      const email = p.email.trim();
      const username = p.username.trim();
      return { id: p.id, name: p.name.trim(), ...(mobile ? { mobile } : {}), ...(email ? { email } : {}), ...(username ? { username } : {}) };
    }),
    teams: d.teams.map((t) => ({ id: t.id, name: t.name.trim(), substations: t.allSubstations ? '*' : [...t.substations], channels: [...t.channels] })),
    shifts: d.shifts.map((s) => ({ ...s, weekdays: [...new Set(s.weekdays)].sort((a, b) => a - b) })),
  };
}

/** The first of prefix1, prefix2, … not taken. */
export function nextId(prefix: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  let n = 1;
  while (used.has(`${prefix}${n}`)) n += 1;
  return `${prefix}${n}`;
}

export const newPerson = (d: RosterDraft): PersonDraft => ({ id: nextId('p', d.people.map((p) => p.id)), name: '', mobile: '', email: '', username: '' });

export const newTeam = (d: RosterDraft): TeamDraft => ({ id: nextId('team', d.teams.map((t) => t.id)), name: '', allSubstations: false, substations: [], channels: [] });

/** A day shift on working days: what most new rows become. */
export const newShift = (team: string, person = ''): ShiftDraft => ({ team, person, role: 'engineer', weekdays: [1, 2, 3, 4, 5], start: '08:00', end: '20:00' });

export interface Problem {
  /** e.g. ['shifts', '0', 'person']; [] when the message names no field. */
  path: string[];
  text: string;
}

/** "people.1.mobile: digits only; shifts.0.person: no person x" → one problem each. */
export function parseProblems(message: string): Problem[] {
  return message
    .split('; ')
    .filter((part) => part.trim() !== '')
    .map((part) => {
      const m = /^([\w.]+): (.*)$/s.exec(part);
      return m ? { path: m[1]!.split('.'), text: m[2]! } : { path: [], text: part };
    });
}

/** The problem paths as "shifts.0.person", for marking the fields in the form. */
export const problemKeys = (problems: readonly Problem[]) => new Set(problems.map((p) => p.path.join('.')));

const FIELDS = ['id', 'name', 'mobile', 'email', 'username', 'substations', 'channels', 'team', 'person', 'role', 'weekdays', 'start', 'end'] as const;
const isField = (f: string | undefined): f is (typeof FIELDS)[number] => (FIELDS as readonly string[]).includes(f ?? '');

/** Where a problem is, as the admin sees the form: "班次 2（张工）· 开始". */
export function problemPlace(path: readonly string[], d: RosterDraft, t: I18n['t']): string {
  const [section, index, field] = path;
  const n = Number(index);
  const row = Number.isInteger(n) && index !== undefined;
  const named = (key: 'duty.problem.person' | 'duty.problem.team' | 'duty.problem.shift', name: string | undefined) =>
    name ? t('duty.problem.named', { place: t(key, { n: n + 1 }), name }) : t(key, { n: n + 1 });
  let place: string;
  if (section === 'people' && row) place = named('duty.problem.person', d.people[n]?.name);
  else if (section === 'teams' && row) place = named('duty.problem.team', d.teams[n]?.name);
  else if (section === 'shifts' && row) place = named('duty.problem.shift', d.people.find((p) => p.id === d.shifts[n]?.person)?.name);
  else if (section === 'people' || section === 'teams' || section === 'shifts') place = t(`duty.roster.${section}`);
  else return path.join('.');
  return isField(field) ? `${place} · ${t(`duty.field.${field}`)}` : place;
}

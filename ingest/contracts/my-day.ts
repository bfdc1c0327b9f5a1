/**
 * 今日走访 (an engineer's day, on a phone): the visits of a Beijing day and the tickets of the
 * teams the signed-in person works in, found through the duty roster (person.username = login).
 */
import { z } from 'zod';
import { isLocalDate, type LocalDate } from './beijing-time.ts';
import type { Household } from './households.ts';
import type { Ticket } from './tickets.ts';
import type { Visit } from './visits.ts';

export const myDayQuerySchema = z
  .object({
    /** The Beijing day; today when not said. */
    date: z.string().refine(isLocalDate, 'a date YYYY-MM-DD (Beijing)').optional(),
  })
  .strict();

export interface MyDay {
  date: LocalDate;
  /** The roster person linked to this login; null when there is none (then visits by name only). */
  person: { id: string; name: string } | null;
  /** The teams the person has shifts in. */
  teams: { id: string; name: string }[];
  /** The visits of the day (planned and done), earliest first. */
  visits: Visit[];
  /** The households of those visits: who and where (staff only, as every household). */
  households: Household[];
  /** Active customer tickets of the teams' substations, and those given to the person; most pressing first. */
  tickets: Ticket[];
}

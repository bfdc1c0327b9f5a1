/**
 * Households (DESIGN.md §10): who lives behind a room sensor and which substation feeds them —
 * the customers a stop's notice reaches and a callback calls. Names and phones are personal
 * data: staff roles see them, a viewer sees them masked, a public page never.
 */
import { z } from 'zod';
import { PHONE_PATTERN } from './tickets.ts';
import { DEVICE_ID_PATTERN } from './topics.ts';

const id = z.string().regex(DEVICE_ID_PATTERN, 'letters, digits, _ and -, 1 to 64 characters');

/** What an account holder's row says (POST /api/households, a row of the import). */
export const householdSchema = z
  .object({
    id,
    name: z.string().trim().min(1).max(100),
    phone: z.string().trim().regex(PHONE_PATTERN, 'digits as dialled, e.g. 13800000000 or 0537-5316206'),
    address: z.string().trim().min(1).max(500),
    substationId: id,
    /** The room sensors in the home (bedroom, living room); each belongs to one household. */
    deviceIds: z.array(id).max(20).default([]),
    /** Heated area in m², as billed. */
    areaM2: z.number().positive().max(100_000).optional(),
  })
  .strict();
export type NewHousehold = z.input<typeof householdSchema>;
export type HouseholdInput = z.output<typeof householdSchema>;

/** PUT /api/households/:id: the whole record again, without its id. */
export const householdUpdateSchema = householdSchema.omit({ id: true });

export interface Household {
  id: string;
  name: string;
  phone: string;
  address: string;
  substationId: string;
  deviceIds: string[];
  areaM2: number | null;
  createdAt: string;
  updatedAt: string;
}

/** The import's columns; deviceIds lists the sensors separated by ; or spaces. */
export const HOUSEHOLD_IMPORT_COLUMNS = ['id', 'name', 'phone', 'address', 'substationId', 'deviceIds', 'areaM2'] as const;

/** 13812341111 → 138****1111; a landline keeps its area code and last four. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 7) return '****';
  const dash = phone.indexOf('-');
  if (dash > 0) return `${phone.slice(0, dash + 1)}****${digits.slice(-4)}`;
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}

/** 王建国 → 王**: enough for a viewer to tell two households apart, not to know who lives there. */
export function maskName(name: string): string {
  const chars = [...name];
  return `${chars[0] ?? ''}${'*'.repeat(Math.max(1, Math.min(chars.length - 1, 3)))}`;
}

/** A household as a viewer sees it: the name and the phone masked. */
export function maskHousehold(h: Household): Household {
  return { ...h, name: maskName(h.name), phone: maskPhone(h.phone) };
}

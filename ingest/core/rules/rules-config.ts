/**
 * Every rule threshold, calendar setting and deadline (DESIGN.md §3), as one zod schema: the
 * single source of the `RulesConfig` type, its validation and its defaults. An admin's rules
 * file names only what it changes; everything else takes the defaults below. Unknown keys are
 * refused (a typo must not silently leave a default in force). The season and deadline parts
 * live beside the calendar code (calendar/calendar-config.ts) and are composed in here.
 */
import { z } from 'zod';
import { ROOM_TYPES } from '../../contracts/devices.ts';
import { callbackConfigSchema, deadlinesConfigSchema, seasonConfigSchema } from '../calendar/calendar-config.ts';
import type { ErrorCode } from '../../errors.ts';

const WEEK_MIN = 7 * 24 * 60;

const minutes = z.number().positive().max(WEEK_MIN);
const celsius = z.number().min(-60).max(150);

/** A refinement with `when` runs even when a sibling field failed, so one pass reports every problem. */
const always = { when: () => true };
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

const range = (min: number, max: number) =>
  z
    .object({ min: z.number(), max: z.number() })
    .strict()
    .refine((r) => r.min < r.max, { message: 'min must be below max', ...always })
    .prefault({ min, max });

const roomLow = z
  .object({
    // 服务承诺 二.1(2): bedrooms and living rooms at least 18 °C.
    belowC: celsius.default(18.0),
    forMin: minutes.default(30),
    // Hysteresis: recovery needs a clearly warmer room, so noise around 18.0 cannot flap.
    recoverAtC: celsius.default(18.5),
    recoverForMin: minutes.default(30),
    roomTypes: z.array(z.enum(ROOM_TYPES)).min(1).default(['bedroom', 'living']),
  })
  .strict()
  .refine((v) => !isNum(v.belowC) || !isNum(v.recoverAtC) || v.recoverAtC >= v.belowC, {
    path: ['recoverAtC'],
    message: 'must not be below belowC (the hysteresis would be inverted)',
    ...always,
  });

const suddenDrop = z
  .object({
    // 服务承诺 二.1(4): an unexplained loss of heat or fall in temperature.
    dropC: z.number().positive().max(40).default(3.0),
    withinMin: minutes.default(60),
    // The episode ends when the room is back within this much of its level before the drop.
    recoverWithinC: z.number().positive().max(40).default(1.0),
    recoverForMin: minutes.default(30),
  })
  .strict()
  .refine((v) => !isNum(v.dropC) || !isNum(v.recoverWithinC) || v.recoverWithinC < v.dropC, {
    path: ['recoverWithinC'],
    message: 'must be smaller than dropC, or a drop would count as recovered at once',
    ...always,
  });

const substationCollapse = z
  .object({
    // 服务承诺 二.1(5): a main-pipe accident; a burst shows as a pressure-drop wave.
    pressureDropMPa: z.number().positive().max(4).default(0.15),
    pressureWithinMin: minutes.default(5),
    supplyTempDropC: z.number().positive().max(150).default(15),
    supplyTempWithinMin: minutes.default(15),
    recoverPressureWithinMPa: z.number().positive().max(4).default(0.05),
    recoverTempWithinC: z.number().positive().max(150).default(5),
    recoverForMin: minutes.default(10),
    /** Collapses at two or more substations within this long are one burst on a main: one ticket, paged once. */
    burstWithinMin: minutes.default(5),
  })
  .strict();

/**
 * A substation fault seen on its own readings before its rooms go cold (DESIGN.md §2 fault
 * signatures): the secondary supply falling fast, the secondary pump's pressure difference
 * collapsing (a trip), the primary flow collapsing while the supply pressure holds (a valve or
 * its actuator), or the secondary ΔT rising while the primary ΔT shrinks (a failing pump).
 */
const substationFault = z
  .object({
    secSupplyDropC: z.number().positive().max(100).default(10),
    secSupplyWithinMin: minutes.default(15),
    /** The secondary ΔP (supply − return pressure) falls to this share of its level or less. */
    pumpTripFraction: z.number().gt(0).lt(1).default(0.4),
    pumpTripWithinMin: minutes.default(15),
    /** A pump is running at all: its ΔP was at least this before. */
    minPumpDeltaPMPa: z.number().positive().max(4).default(0.03),
    /** The primary flow falls to this share of its level or less… */
    flowFraction: z.number().gt(0).lt(1).default(0.5),
    flowWithinMin: minutes.default(10),
    /** …while the primary supply pressure stays within this of its level (not a burst). */
    pressureHoldMPa: z.number().positive().max(4).default(0.05),
    failingWithinMin: minutes.default(30),
    failingSecRiseC: z.number().positive().max(100).default(5),
    failingPrimFallC: z.number().positive().max(100).default(5),
    recoverForMin: minutes.default(30),
  })
  .strict();

/** DESIGN.md §2: make-up water above ~2 % of the circulating flow (per hour) is a leak. */
const leak = z
  .object({
    makeupPercent: z.number().positive().max(100).default(2),
    forMin: minutes.default(30),
    recoverForMin: minutes.default(30),
  })
  .strict();

const plausibility = z
  .object({
    room: z
      .object({
        // A heated or unheated flat stays within 0–40 °C; outside it the sensor is wrong.
        minC: celsius.default(0),
        maxC: celsius.default(40),
        // Room air with its walls and furniture does not move more than 5 °C per 10 min (pro rata
        // for readings further apart: 7.5 °C between readings 15 min apart). An open window in a
        // cold spell comes closest, and that is not a heating fault either.
        maxJumpC: z.number().positive().max(100).default(5),
        jumpWithinMin: minutes.default(10),
      })
      .strict()
      .refine((v) => !isNum(v.minC) || !isNum(v.maxC) || v.minC < v.maxC, { path: ['maxC'], message: 'must be above minC', ...always })
      .prefault({}),
    // Water in a heating network is liquid (above 0 °C) and below 150 °C; PN25 pipework is
    // not run above 2.5 MPa.
    substation: z
      .object({
        supplyTemp: range(0, 150),
        returnTemp: range(0, 150),
        supplyPressure: range(0, 2.5),
        returnPressure: range(0, 2.5),
        secSupplyTemp: range(0, 110),
        secReturnTemp: range(0, 110),
        secSupplyPressure: range(0, 2.5),
        secReturnPressure: range(0, 2.5),
        outdoorTemp: range(-50, 50),
      })
      .strict()
      .prefault({}),
    // Primary supply water does not heat up by more than 10 °C a minute (pro rata), not even when
    // the hot front returns after a stop; a faster rise is a glitch, and a glitch must not become
    // the "level before the fall" of a collapse. Falls are not limited: they are what we watch for.
    supplyTempRise: z
      .object({ maxC: z.number().positive().max(150).default(10), perMin: minutes.default(1) })
      .strict()
      .prefault({}),
    // A broken sensor may send nonsense every 10 s: flag it at most once per this much event time.
    flagEveryMin: minutes.default(60),
  })
  .strict();

const correlation = z
  .object({
    minFraction: z.number().positive().max(1).default(0.3),
    minRooms: z.number().int().min(2).max(10_000).default(3),
    windowMin: minutes.default(60),
  })
  .strict();

const outdoor = z
  .object({
    // 服务承诺 二.1(2): the 18 °C promise holds while outdoors is not below the design minimum
    // (Zoucheng/Jining: −7.7 °C, GB 50736 heating design temperature).
    designTempC: celsius.default(-7.7),
    // The design temperature is a daily mean: the exemption is judged on the mean of the 24 hours
    // before the ticket, from the substation's hourly means, with readings in at least this many
    // hours and the newest no older than maxAgeMin; else on the weather source's day mean.
    dayMeanMinHours: z.number().int().min(1).max(24).default(12),
    maxAgeMin: minutes.default(180),
  })
  .strict();

const lateness = z
  .object({
    // How far behind a device's newest reading (event time) a late reading is still judged:
    // covers a missed hourly upload arriving after the next one. Older ones are stored by the
    // pipeline but not re-judged by the rules.
    maxLateMin: z.number().min(0).max(WEEK_MIN).default(120),
  })
  .strict();

export const rulesConfigSchema = z
  .object({
    roomLow: roomLow.prefault({}),
    suddenDrop: suddenDrop.prefault({}),
    substationCollapse: substationCollapse.prefault({}),
    substationFault: substationFault.prefault({}),
    leak: leak.prefault({}),
    offline: z
      .object({ intervals: z.number().min(1).max(1000).default(3) })
      .strict()
      .prefault({}),
    plausibility: plausibility.prefault({}),
    correlation: correlation.prefault({}),
    outdoor: outdoor.prefault({}),
    lateness: lateness.prefault({}),
    season: seasonConfigSchema.prefault({}),
    deadlines: deadlinesConfigSchema.prefault({}),
    callback: callbackConfigSchema.prefault({}),
  })
  .strict();

export type RulesConfig = z.output<typeof rulesConfigSchema>;
/** What an admin may write: any part may be left out. */
export type RulesConfigInput = z.input<typeof rulesConfigSchema>;

export class RulesConfigError extends Error {
  readonly code = 'HW_RULES_INVALID' satisfies ErrorCode;
  constructor(readonly problems: string[]) {
    super(`invalid rules configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'RulesConfigError';
  }
}

/** Validates a rules file; throws RulesConfigError listing every problem as "path: message". */
export function parseRulesConfig(input: unknown): RulesConfig {
  const parsed = rulesConfigSchema.safeParse(input);
  if (!parsed.success) {
    throw new RulesConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  return deepFreeze(parsed.data);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

export const DEFAULT_RULES_CONFIG: RulesConfig = parseRulesConfig({});

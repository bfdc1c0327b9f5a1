/**
 * What a rule saw, as facts: the values, the thresholds and the times, never a sentence. The
 * rules core emits them, tickets and their timelines store them (JSON), and the edges turn them
 * into words — the pages in Chinese (services/alert-messages.ts), the dashboard in Chinese or
 * English (its i18n). Durations in milliseconds, temperatures in °C, pressures in MPa.
 */
import type { FieldName } from './payloads.ts';

export type RuleFact =
  /** 服务承诺 二.1(2): below the threshold for `forMs` (`lowestC` the coldest seen meanwhile). */
  | { fact: 'room_low'; tempC: number; belowC: number; forMs: number; lowestC: number }
  | { fact: 'room_warm_again'; tempC: number; recoverAtC: number; forMs: number }
  /** 服务承诺 二.1(4): fell from `fromC` to `toC` within `withinMs` (threshold `dropC` in `windowMin`). */
  | { fact: 'sudden_drop'; fromC: number; toC: number; withinMs: number; dropC: number; windowMin: number }
  | { fact: 'drop_recovered'; tempC: number; refC: number; withinC: number; forMs: number }
  /** 服务承诺 二.1(5): the primary supply collapsed (one fact per field that fell). */
  | { fact: 'supply_fell'; field: 'supplyPressure' | 'supplyTemp' | 'secSupplyTemp'; from: number; to: number; withinMs: number }
  /** A substation fault before its rooms go cold: the secondary pump stopped (its ΔP collapsed). */
  | { fact: 'pump_stopped'; fromMPa: number; toMPa: number; withinMs: number }
  /** The primary flow collapsed while the supply pressure held: a valve or its actuator. */
  | { fact: 'flow_collapsed'; from: number; to: number; withinMs: number; pressureMPa: number }
  /** A failing secondary pump: the secondary ΔT rises while the primary ΔT shrinks. */
  | { fact: 'pump_failing'; secFromC: number; secToC: number; primFromC: number; primToC: number; withinMs: number }
  | { fact: 'substation_normal'; forMs: number }
  /** Make-up water above the share of the circulating flow a tight network needs: a leak. */
  | { fact: 'makeup_high'; percent: number; limitPercent: number; forMs: number }
  | { fact: 'makeup_normal'; percent: number; forMs: number }
  | { fact: 'supply_normal'; pressureMPa: number | null; tempC: number | null; forMs: number }
  | { fact: 'silent'; silentMs: number; intervals: number; intervalSec: number }
  | { fact: 'reporting_again'; silentMs: number }
  /** Implausible data: a flag on the device, never a customer ticket. */
  | { fact: 'out_of_range'; field: FieldName; value: number; min: number; max: number }
  | { fact: 'too_fast'; field: FieldName; from: number; to: number; withinMs: number; maxChange: number; perMin: number }
  /** Seed 六: a visit's thermometer and the room sensor more than the limit apart — calibrate it. */
  | { fact: 'calibrate'; measuredC: number; sensorC: number; limitC: number; visitId: string }
  /** Several rooms of one substation at once: one substation-level ticket. */
  | { fact: 'rooms_together'; substationId: string; rooms: number; affected: number; windowMin: number; needed: number }
  /** 服务承诺 二.1(2): not counted against the 18 °C promise while outdoors is below the design minimum. */
  | { fact: 'outdoor_below_design'; outdoorC: number; designC: number }
  /** A finished Beijing day's mean outdoor temperature, against which a room ticket's exemption was judged again. */
  | { fact: 'outdoor_day_mean'; date: string; outdoorC: number; designC: number };

export type RuleFactName = RuleFact['fact'];

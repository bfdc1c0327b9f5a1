/**
 * The contract between the pure rules core and the rest of HeatWatch. The core decides; the
 * ticket service acts. Nothing here does I/O or reads a clock: times are passed in.
 */
import type { RoomType } from '../../contracts/devices.ts';
import type { Reading } from '../../contracts/payloads.ts';
import type { RuleFact } from '../../contracts/rule-facts.ts';
import type { Exemption as TicketExemption, RuleId, TicketType } from '../../contracts/tickets.ts';
import type { DeviceKind } from '../../contracts/topics.ts';

/** What the rules need to know of a device. */
export interface RuleDevice {
  id: string;
  kind: DeviceKind;
  roomType: RoomType | null;
  substationId: string | null;
  intervalSec: number;
}

/** Why a ticket does not count against the company's commitments (the rules know the outdoor one). */
export type Exemption = Extract<TicketExemption, 'outdoor_below_design'>;

export type RuleEvent =
  /** A condition became true for a device: open a ticket of `ticketType` (once per episode). */
  | {
      kind: 'open';
      rule: Exclude<RuleId, 'correlation' | 'implausible' | 'calibration'>;
      ticketType: TicketType;
      deviceId: string;
      substationId: string | null;
      /** Event time (epoch ms) at which the condition was met, e.g. the end of the 30 min below 18 °C. */
      at: number;
      exempt: Exemption | null;
      /** What the rule saw (values, thresholds, durations); the edges put it into words. */
      facts: RuleFact[];
      /**
       * One burst on a main: the substation whose collapse, within `burstWithinMin`, came first;
       * this one's ticket goes under that one's (one ticket, paged once).
       */
      under?: string;
    }
  /** The condition cleared (e.g. ≥ 18.5 °C for 30 min): mark the open ticket recovered. */
  | { kind: 'recovered'; rule: Exclude<RuleId, 'correlation' | 'implausible' | 'calibration'>; deviceId: string; at: number; facts: RuleFact[] }
  /** Implausible data: a flag on the device, never a customer ticket. */
  | { kind: 'data_quality'; deviceId: string; at: number; facts: RuleFact[] }
  /**
   * Several rooms of one substation went low or dropped together: one substation-level ticket
   * (`ticketType`, usually the rooms' type), with the room tickets linked under it.
   */
  | { kind: 'correlated'; substationId: string; ticketType: TicketType; at: number; roomIds: string[]; facts: RuleFact[] };

/** A ticket a rule opened that is still open (and not yet marked recovered) in the database. */
export interface OpenEpisode {
  deviceId: string;
  rule: Exclude<RuleId, 'correlation' | 'implausible' | 'calibration'>;
  /** Event time it opened at. */
  at: number;
}

export interface RulesEngine {
  /** Readings in any order (late, buffered, out of order); returns what they caused. */
  onReadings(readings: readonly Reading[]): RuleEvent[];
  /** Wall-clock tick for the offline rule (no reading for intervals × the device's interval). */
  onTick(now: number): RuleEvent[];
  /**
   * A message from the device arrived but validation refused every reading in it: the device is
   * alive. `at` counts as a reading's event time for the offline rule only, so a device sending
   * garbage half the time does not flap offline and back; no other rule sees it.
   */
  onSeen(deviceId: string, at: number): RuleEvent[];
  /**
   * After a restart or a rules reload, the episodes the database still has open: their recovery
   * gets through and they are not opened again. Unknown devices are ignored.
   */
  seedOpen(episodes: readonly OpenEpisode[]): void;
}

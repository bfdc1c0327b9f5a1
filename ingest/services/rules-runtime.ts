/**
 * Runs the pure rules core inside the process: the rules in force come from the rules-config
 * source (rebuilt on a reload), every durable batch and a fleet-clock tick go in, and the events
 * that come out go to the ticket service.
 */
import type { Reading } from '../contracts/payloads.ts';
import { createRulesEngine } from '../core/rules/rules-engine.ts';
import type { RulesConfig } from '../core/rules/rules-config.ts';
import type { OpenEpisode, RuleDevice, RuleEvent, RulesEngine } from '../core/rules/rule-types.ts';
import type { RulesConfigSource } from './rules-config-source.ts';

export interface RulesRuntimeDeps {
  source: Pick<RulesConfigSource, 'current' | 'onChange'>;
  device: (id: string) => RuleDevice | undefined;
  roomsOf: (substationId: string) => string[];
  /** A registered outage covers the substation at `at`: no tickets (DESIGN.md §3). */
  suppressed: (substationId: string | null, at: number) => boolean;
  onEvents: (events: RuleEvent[]) => void;
  /**
   * Episodes the database still has open: a fresh engine (at start, after a reload) learns them,
   * so a room that warms up after a restart still gets its ticket marked recovered.
   */
  openEpisodes: () => OpenEpisode[];
  /** The day's mean outdoor temperature from a weather source, for a substation that reports none. */
  outdoorTemp?: (substationId: string | null, at: number) => number | undefined;
}

export function createRulesRuntime(d: RulesRuntimeDeps) {
  const build = (c: RulesConfig): RulesEngine => {
    const fresh = createRulesEngine(c, { device: d.device, roomsOf: d.roomsOf, suppressed: (_deviceId, substationId, at) => d.suppressed(substationId, at), outdoorTemp: d.outdoorTemp ?? (() => undefined) });
    fresh.seedOpen(d.openEpisodes());
    return fresh;
  };
  let engine = build(d.source.current());
  d.source.onChange((c) => {
    engine = build(c);
  });
  const emit = (events: RuleEvent[]) => {
    if (events.length > 0) d.onEvents(events);
  };

  return {
    onReadings: (readings: readonly Reading[]): void => emit(engine.onReadings(readings)),
    /** The fleet clock moved on: the offline rule looks for silence. */
    onTick: (now: number): void => emit(engine.onTick(now)),
    /** A message came but every reading in it was refused: alive for the offline rule. */
    onSeen: (deviceId: string, at: number): void => emit(engine.onSeen(deviceId, at)),
  };
}

export type RulesRuntime = ReturnType<typeof createRulesRuntime>;

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
  /** A reload whose open episodes could not be read: the engine in force stays. */
  onReloadError?: (err: Error) => void;
  /**
   * Episodes the database still has open: a fresh engine (at start, after a reload) learns them,
   * so a room that warms up after a restart still gets its ticket marked recovered.
   */
  openEpisodes: () => Promise<OpenEpisode[]>;
  /** The day's mean outdoor temperature from a weather source, for a substation that reports none. */
  outdoorTemp?: (substationId: string | null, at: number) => number | undefined;
}

/** Starts with the episodes the database has open (see `openEpisodes`). */
export async function createRulesRuntime(d: RulesRuntimeDeps) {
  const build = async (c: RulesConfig): Promise<RulesEngine> => {
    const fresh = createRulesEngine(c, { device: d.device, roomsOf: d.roomsOf, suppressed: (_deviceId, substationId, at) => d.suppressed(substationId, at), outdoorTemp: d.outdoorTemp ?? (() => undefined) });
    fresh.seedOpen(await d.openEpisodes());
    return fresh;
  };
  let engine = await build(d.source.current());
  // Readings keep going to the engine in force until the new one knows the open episodes.
  d.source.onChange((c) => {
    build(c).then(
      (fresh) => void (engine = fresh),
      (err: Error) => d.onReloadError?.(err),
    );
  });
  const emit = (events: RuleEvent[]) => {
    if (events.length > 0) d.onEvents(events);
  };

  return {
    /** Starts afresh from the rules in force and the open episodes (a node that becomes the leader). */
    async restart(): Promise<void> {
      engine = await build(d.source.current());
    },
    onReadings: (readings: readonly Reading[]): void => emit(engine.onReadings(readings)),
    /** The fleet clock moved on: the offline rule looks for silence. */
    onTick: (now: number): void => emit(engine.onTick(now)),
    /** A message came but every reading in it was refused: alive for the offline rule. */
    onSeen: (deviceId: string, at: number): void => emit(engine.onSeen(deviceId, at)),
  };
}

export type RulesRuntime = Awaited<ReturnType<typeof createRulesRuntime>>;

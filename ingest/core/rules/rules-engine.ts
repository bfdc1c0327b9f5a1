/**
 * The rules engine (DESIGN.md §3): pure, no clock, no I/O. Readings in any order go in; the
 * events they cause come out, for the ticket service to act on. Every rule but offline runs on
 * event time; offline compares the tick's wall-clock `now` with the newest event time.
 *
 * Per device it keeps a short sorted history and the rule states (device-timeline.ts), and per
 * rule an emission gate (emission-gate.ts), so one episode opens once and recovers once however
 * its readings arrive. Per substation it keeps the affected rooms (correlate-substation.ts) and
 * the outdoor temperature it reported (outdoor-temperature.ts). A message whose readings were
 * all refused still tells the offline rule the device is alive (`onSeen`); after a restart or a
 * rules reload the episodes the database still has open are seeded into the gates (`seedOpen`).
 *
 * Cost (the rules may add at most 10 % to ingest, under 1 µs a reading): a call gathers each
 * device's readings in its record instead of building a map of lists, and a device's history
 * and states are updated in place, so an in-order reading allocates next to nothing; the
 * classes and bindings in the hot path are shaped for V8 (see the comments where they are).
 */
import type { RoomType } from '../../contracts/devices.ts';
import type { Reading } from '../../contracts/payloads.ts';
import { heatingSeasonAt, type HeatingSeason } from '../calendar/heating-season.ts';
import { checkRanges, plausibleRanges } from './check-plausibility.ts';
import { createCorrelator } from './correlate-substation.ts';
import { roomProgram, substationProgram, type RoomField, type RoomState, type SubstationField, type SubstationState } from './device-programs.ts';
import { DeviceTimeline } from './device-timeline.ts';
import { CLOSED_GATE, passDataQuality, passEpisode, seedGate, type EpisodeGate } from './emission-gate.ts';
import { evaluateOfflineSeen, evaluateOfflineTick, isNewlySilent, NEVER_SEEN, seedOffline, type OfflineState } from './evaluate-offline.ts';
import { createOutdoorLog } from './outdoor-temperature.ts';
import type { RuleFact } from '../../contracts/rule-facts.ts';
import type { RuleDevice, RuleEvent, RulesEngine } from './rule-types.ts';
import type { RulesConfig } from './rules-config.ts';
import { addSample, MINUTE_MS, TICKET_BY_RULE, type EpisodeRule, type SampleBuffer, type Transition } from './rule-transition.ts';

export interface RulesEngineDeps {
  device(id: string): RuleDevice | undefined;
  /** Ids of the rooms fed by a substation (all room types), for the correlation fraction. */
  roomsOf(substationId: string): string[];
  /** A planned outage covers the device (or its substation) at that time: no tickets. */
  suppressed(deviceId: string, substationId: string | null, atMs: number): boolean;
  /**
   * Fallback: the day's mean outdoor temperature from a weather source, asked only when the
   * substation's own `outdoorTemp` does not give the mean of the 24 hours before (too few hours,
   * or none within `outdoor.maxAgeMin`).
   */
  outdoorTemp?(substationId: string | null, atMs: number): number | undefined;
}

export interface RulesEngineStats {
  devices: number;
  /** Readings more than `lateness.maxLateMin` behind their device's newest: not judged. */
  tooLate: number;
  /** Readings repeating an event time already held (QoS 1 redelivery). */
  duplicates: number;
}

/** The offline state lives in the record itself: one object less to reach per reading. */
interface CommonRecord extends OfflineState {
  device: RuleDevice;
  gates: Partial<Record<EpisodeRule, EpisodeGate>>;
  dataQualityAt: number;
  /**
   * The current call's readings of the device, without a list per device and call: the run
   * `readings[from, to)` of the call's message batch (devices send their readings together), or
   * `scattered` once another device's readings came between.
   */
  from: number;
  to: number;
  scattered: Reading[] | null;
  /** The call that last gathered them. */
  call: number;
}
type DeviceRecord =
  | (CommonRecord & { kind: 'room'; timeline: DeviceTimeline<RoomState, RoomField> })
  | (CommonRecord & { kind: 'substation'; timeline: DeviceTimeline<SubstationState, SubstationField> });

/** One call's readings by device; `newcomers`: records made in this call, not yet entered. */
interface Gathered {
  substations: DeviceRecord[];
  rooms: DeviceRecord[];
  newcomers: Map<string, DeviceRecord> | null;
}

/** What `judge` calls per device and message, bound once (device-programs.ts says why). */
const perMessage = { evaluateOfflineSeen, checkRanges, addSample };

/**
 * A substation reading's columns for its rules: what it reported, and what the fault rules read
 * derived from it — the secondary pump's pressure difference, both ΔTs (the secondary one
 * negated: its window's peak is then its low), the make-up water in % of the circulating flow.
 */
function substationColumns(v: Partial<Record<string, number>>): Partial<Record<SubstationField, number>> {
  const diff = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? undefined : a - b);
  const secDeltaT = diff(v.secSupplyTemp, v.secReturnTemp);
  return {
    supplyPressure: v.supplyPressure,
    supplyTemp: v.supplyTemp,
    secSupplyTemp: v.secSupplyTemp,
    secDeltaP: diff(v.secSupplyPressure, v.secReturnPressure),
    flow: v.flow,
    primDeltaT: diff(v.supplyTemp, v.returnTemp),
    secDeltaTNeg: secDeltaT === undefined ? undefined : -secDeltaT,
    makeupPct: v.makeupFlow === undefined || v.flow === undefined || v.flow <= 0 ? undefined : (v.makeupFlow / v.flow) * 100,
  };
}

/** The substation a device belongs to; a substation belongs to itself. */
const substationOf = (d: RuleDevice): string | null => (d.kind === 'substation' ? d.id : d.substationId);

export function createRulesEngine(config: RulesConfig, deps: RulesEngineDeps): RulesEngine & { stats(): RulesEngineStats } {
  const coveredRooms = roomProgram(config, true);
  const otherRooms = roomProgram(config, false);
  const substations = substationProgram(config);
  const ranges = plausibleRanges(config.plausibility);
  const maxLateMs = config.lateness.maxLateMin * MINUTE_MS;
  const outdoor = createOutdoorLog({ maxAgeMs: config.outdoor.maxAgeMin * MINUTE_MS, minHours: config.outdoor.dayMeanMinHours });
  const records = new Map<string, DeviceRecord>();
  const correlator = createCorrelator(config.correlation, deps);
  const stats: RulesEngineStats = { devices: 0, tooLate: 0, duplicates: 0 };
  let lastSeason: HeatingSeason | null = null;
  /** Recent collapses (event time), for one burst felt at several substations: each with the first it went under. */
  const collapses: { substationId: string; at: number; root: string }[] = [];
  const burstMs = config.substationCollapse.burstWithinMin * MINUTE_MS;

  /** The substation whose collapse this one's is part of, or undefined when it is the first. */
  function burstRoot(substationId: string, at: number): string | undefined {
    while (collapses.length > 0 && collapses[0]!.at < at - 4 * burstMs) collapses.shift();
    const first = collapses.find((c) => c.substationId !== substationId && Math.abs(c.at - at) <= burstMs);
    const root = first?.root;
    collapses.push({ substationId, at, root: root ?? substationId });
    if (collapses.length > 256) collapses.shift();
    return root;
  }
  // Not frozen like the config: V8 searches a frozen array on a slow path.
  const coveredTypes: (RoomType | null)[] = [...config.roomLow.roomTypes];
  let calls = 0;
  const samples: SampleBuffer<RoomField | SubstationField> = { items: [], length: 0 };

  function inSeason(ts: number): boolean {
    if (lastSeason !== null && ts >= lastSeason.startMs && ts < lastSeason.endMs) return true;
    const s = heatingSeasonAt(ts, config.season);
    if (s !== null) lastSeason = s;
    return s !== null;
  }

  /** The device's record: `known`, or a fresh one when it is new or changed kind (see `enter`). */
  function recordOf(device: RuleDevice, known: DeviceRecord | undefined): DeviceRecord {
    if (known !== undefined && known.kind === device.kind) {
      known.device = device;
      return known;
    }
    // Literals with one property order, not spreads: 100 000 records are walked on every tick,
    // and V8 reads spread-built objects an order of magnitude slower.
    const { lastTs, offline } = known ?? NEVER_SEEN;
    const dataQualityAt = Number.NEGATIVE_INFINITY;
    return device.kind === 'room'
      ? { kind: 'room', lastTs, offline, device, gates: {}, dataQualityAt, from: 0, to: 0, scattered: null, call: 0, timeline: new DeviceTimeline(coveredRooms) }
      : { kind: 'substation', lastTs, offline, device, gates: {}, dataQualityAt, from: 0, to: 0, scattered: null, call: 0, timeline: new DeviceTimeline(substations) };
  }

  /** Makes `rec` the device's record; the records' order is the order ticks report silences in. */
  function enter(rec: DeviceRecord): DeviceRecord {
    if (records.get(rec.device.id) === rec) return rec;
    records.set(rec.device.id, rec);
    stats.devices = records.size;
    return rec;
  }

  const recordFor = (device: RuleDevice): DeviceRecord => enter(recordOf(device, records.get(device.id)));

  function exemption(rule: EpisodeRule, substationId: string | null, at: number): RuleFact | null {
    // 服务承诺 二.1(2): the 18 °C promise holds only while outdoors is not below the design minimum.
    if (rule !== 'room_low') return null;
    // A day's mean, as the design temperature is: never one cold morning (outdoor-temperature.ts);
    // the weather source's for a room whose substation reports none, or that has no substation.
    const t = (substationId === null ? undefined : outdoor.dayMean(substationId, at)) ?? deps.outdoorTemp?.(substationId, at);
    if (t === undefined || t >= config.outdoor.designTempC) return null;
    return { fact: 'outdoor_below_design', outdoorC: t, designC: config.outdoor.designTempC };
  }

  function emit(rec: DeviceRecord, t: Transition, events: RuleEvent[]): void {
    const deviceId = rec.device.id;
    if (t.kind === 'data_quality') {
      const g = passDataQuality(rec.dataQualityAt, t, config.plausibility.flagEveryMin * MINUTE_MS);
      rec.dataQualityAt = g.lastAt;
      if (g.pass) events.push({ kind: 'data_quality', deviceId, at: t.at, facts: t.facts });
      return;
    }
    // Offline mixes wall-clock opens with event-time recoveries: its own state alternates already.
    if (t.rule !== 'offline') {
      const g = passEpisode(rec.gates[t.rule] ?? CLOSED_GATE, t);
      if (!g.pass) return;
      rec.gates[t.rule] = g.gate;
    }
    if (t.kind === 'open') {
      const substationId = substationOf(rec.device);
      const exempt = exemption(t.rule, substationId, t.at);
      const facts = exempt === null ? t.facts : [...t.facts, exempt];
      const under = t.rule === 'substation_collapse' ? burstRoot(deviceId, t.at) : undefined;
      events.push({ kind: 'open', rule: t.rule, ticketType: TICKET_BY_RULE[t.rule], deviceId, substationId, at: t.at, exempt: exempt === null ? null : 'outdoor_below_design', facts, ...(under ? { under } : {}) });
    } else {
      events.push({ kind: 'recovered', rule: t.rule, deviceId, at: t.at, facts: t.facts });
    }
    if (rec.kind === 'room' && (t.rule === 'room_low' || t.rule === 'sudden_drop')) {
      const correlated = correlator.roomChanged(rec.device, { kind: t.kind, rule: t.rule, at: t.at });
      if (correlated !== null) events.push(correlated);
    }
  }

  /**
   * Gathers each known device's readings in its record, devices in first-seen order. A new
   * record enters `records` when it is judged, substations first, as it always has.
   */
  function gather(readings: readonly Reading[]): Gathered {
    const call = ++calls;
    const g: Gathered = { substations: [], rooms: [], newcomers: null };
    for (let i = 0; i < readings.length; i++) {
      const r = readings[i]!;
      let rec = g.newcomers?.get(r.deviceId) ?? records.get(r.deviceId);
      if (rec === undefined || rec.call !== call) {
        const device = deps.device(r.deviceId);
        if (device === undefined) continue;
        const known = rec;
        rec = recordOf(device, known);
        if (rec !== known) (g.newcomers ??= new Map()).set(device.id, rec);
        rec.call = call;
        rec.from = rec.to = i;
        rec.scattered = null;
        (rec.kind === 'room' ? g.rooms : g.substations).push(rec);
      }
      if (r.kind !== rec.device.kind) continue;
      if (rec.scattered !== null) rec.scattered.push(r);
      else if (rec.from === rec.to || rec.to === i) {
        if (rec.from === rec.to) rec.from = i;
        rec.to = i + 1;
      } else rec.scattered = [...readings.slice(rec.from, rec.to), r];
    }
    return g;
  }

  function judge(rec: DeviceRecord, g: Gathered, readings: readonly Reading[], decided: Transition[], events: RuleEvent[]): void {
    if (g.newcomers?.get(rec.device.id) === rec) enter(rec);
    const { device, scattered } = rec;
    const list = scattered ?? readings;
    const from = scattered === null ? rec.from : 0;
    const to = scattered === null ? rec.to : scattered.length;
    rec.scattered = null;
    const off = perMessage.evaluateOfflineSeen(rec, list, from, to);
    if (off) emit(rec, off, events);

    const sub = substationOf(device);
    samples.length = 0;
    for (let i = from; i < to; i++) {
      const r = list[i]!;
      const { values, problems } = perMessage.checkRanges(ranges[device.kind], r.values);
      if (problems.length > 0) emit(rec, { kind: 'data_quality', at: r.ts, facts: [...problems] }, events);
      if (device.kind === 'substation' && values.outdoorTemp !== undefined) outdoor.record(device.id, r.ts, values.outdoorTemp);
      const judged = device.kind === 'room' ? values.temp !== undefined : values.supplyPressure !== undefined || values.supplyTemp !== undefined || values.secSupplyTemp !== undefined;
      if (!judged) continue;
      const eligible = (device.kind === 'substation' || inSeason(r.ts)) && !deps.suppressed(device.id, sub, r.ts);
      perMessage.addSample(samples, r.ts, device.kind === 'room' ? values : substationColumns(values), eligible);
    }
    if (samples.length === 0) return;
    const mark = decided.length;
    if (rec.kind === 'room') {
      rec.timeline.add(samples, coveredTypes.includes(device.roomType) ? coveredRooms : otherRooms, maxLateMs, decided, stats);
    } else {
      rec.timeline.add(samples, substations, maxLateMs, decided, stats);
    }
    for (let k = mark; k < decided.length; k++) emit(rec, decided[k]!, events);
  }

  return {
    onReadings(readings) {
      const g = gather(readings);
      const decided: Transition[] = [];
      const events: RuleEvent[] = [];
      // Substations first: their outdoor temperature decides the rooms' exemptions.
      for (let n = 0; n < g.substations.length; n++) judge(g.substations[n]!, g, readings, decided, events);
      for (let n = 0; n < g.rooms.length; n++) judge(g.rooms[n]!, g, readings, decided, events);
      return events;
    },

    onTick(now) {
      const events: RuleEvent[] = [];
      for (const rec of records.values()) {
        const { device } = rec;
        // Most devices are not silent: only those pay for the outage lookup.
        if (!isNewlySilent(rec, now, device.intervalSec, config.offline)) continue;
        const suppressed = deps.suppressed(device.id, substationOf(device), now);
        const t = evaluateOfflineTick(rec, now, device.intervalSec, suppressed, config.offline);
        if (t) emit(rec, t, events);
      }
      return events;
    },

    onSeen(deviceId, at) {
      const device = deps.device(deviceId);
      if (device === undefined) return [];
      const rec = recordFor(device);
      const events: RuleEvent[] = [];
      const t = evaluateOfflineSeen(rec, [{ ts: at }], 0, 1);
      if (t) emit(rec, t, events);
      return events;
    },

    seedOpen(episodes) {
      for (const e of episodes) {
        const device = deps.device(e.deviceId);
        if (device === undefined) continue;
        const rec = recordFor(device);
        if (e.rule === 'offline') seedOffline(rec, e.at);
        else rec.gates[e.rule] = seedGate(rec.gates[e.rule] ?? CLOSED_GATE, e.at);
      }
    },

    stats: () => ({ ...stats }),
  };
}

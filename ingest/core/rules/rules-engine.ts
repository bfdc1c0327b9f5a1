/**
 * The rules engine (DESIGN.md §3): pure, no clock, no I/O. Readings in any order go in; the
 * events they cause come out, for the ticket service to act on. Every rule but offline runs on
 * event time; offline compares the tick's wall-clock `now` with the newest event time.
 *
 * Per device it keeps a short sorted history and the rule states (device-timeline.ts), and per
 * rule an emission gate (emission-gate.ts), so one episode opens once and recovers once however
 * its readings arrive. Per substation it keeps the affected rooms (correlate-substation.ts) and
 * the outdoor temperature it reported (outdoor-temperature.ts).
 */
import type { Reading } from '../../contracts/payloads.ts';
import { heatingSeasonAt, type HeatingSeason } from '../calendar/heating-season.ts';
import { checkRanges } from './check-plausibility.ts';
import { createCorrelator } from './correlate-substation.ts';
import { roomProgram, substationProgram, type RoomField, type RoomState, type SubstationField, type SubstationState } from './device-programs.ts';
import { addSamples, createTimeline, type Timeline } from './device-timeline.ts';
import { CLOSED_GATE, passDataQuality, passEpisode, type EpisodeGate } from './emission-gate.ts';
import { evaluateOfflineReadings, evaluateOfflineTick, isNewlySilent, NEVER_SEEN, type OfflineState } from './evaluate-offline.ts';
import { createOutdoorLog } from './outdoor-temperature.ts';
import type { Exemption, RuleDevice, RuleEvent, RulesEngine } from './rule-types.ts';
import type { RulesConfig } from './rules-config.ts';
import { formatC, MINUTE_MS, TICKET_BY_RULE, type EpisodeRule, type SampleInput, type Transition } from './rule-transition.ts';

export interface RulesEngineDeps {
  device(id: string): RuleDevice | undefined;
  /** Ids of the rooms fed by a substation (all room types), for the correlation fraction. */
  roomsOf(substationId: string): string[];
  /** A planned outage covers the device (or its substation) at that time: no tickets. */
  suppressed(deviceId: string, substationId: string | null, atMs: number): boolean;
  /**
   * Fallback outdoor temperature (e.g. a weather service), asked only when the substation has
   * not reported its own `outdoorTemp` within `outdoor.maxAgeMin` of that time.
   */
  outdoorTemp?(substationId: string, atMs: number): number | undefined;
}

export interface RulesEngineStats {
  devices: number;
  /** Readings more than `lateness.maxLateMin` behind their device's newest: not judged. */
  tooLate: number;
  /** Readings repeating an event time already held (QoS 1 redelivery). */
  duplicates: number;
}

interface CommonRecord {
  device: RuleDevice;
  gates: Partial<Record<EpisodeRule, EpisodeGate>>;
  dataQualityAt: number;
  offline: OfflineState;
}
type DeviceRecord =
  | (CommonRecord & { kind: 'room'; timeline: Timeline<RoomState, RoomField> })
  | (CommonRecord & { kind: 'substation'; timeline: Timeline<SubstationState, SubstationField> });

/** The substation a device belongs to; a substation belongs to itself. */
const substationOf = (d: RuleDevice): string | null => (d.kind === 'substation' ? d.id : d.substationId);

export function createRulesEngine(config: RulesConfig, deps: RulesEngineDeps): RulesEngine & { stats(): RulesEngineStats } {
  const coveredRooms = roomProgram(config, true);
  const otherRooms = roomProgram(config, false);
  const substations = substationProgram(config);
  const maxLateMs = config.lateness.maxLateMin * MINUTE_MS;
  const outdoor = createOutdoorLog(config.outdoor.maxAgeMin * MINUTE_MS, maxLateMs + config.outdoor.maxAgeMin * MINUTE_MS);
  const records = new Map<string, DeviceRecord>();
  const correlator = createCorrelator(config.correlation, deps);
  const stats: RulesEngineStats = { devices: 0, tooLate: 0, duplicates: 0 };
  let lastSeason: HeatingSeason | null = null;

  function inSeason(ts: number): boolean {
    if (lastSeason !== null && ts >= lastSeason.startMs && ts < lastSeason.endMs) return true;
    const s = heatingSeasonAt(ts, config.season);
    if (s !== null) lastSeason = s;
    return s !== null;
  }

  function recordFor(device: RuleDevice): DeviceRecord {
    const known = records.get(device.id);
    if (known !== undefined && known.kind === device.kind) {
      known.device = device;
      return known;
    }
    // Literals with one property order, not spreads: 100 000 records are walked on every tick,
    // and V8 reads spread-built objects an order of magnitude slower.
    const offline = known?.offline ?? NEVER_SEEN;
    const fresh: DeviceRecord =
      device.kind === 'room'
        ? { kind: 'room', device, gates: {}, dataQualityAt: Number.NEGATIVE_INFINITY, offline, timeline: createTimeline(coveredRooms) }
        : { kind: 'substation', device, gates: {}, dataQualityAt: Number.NEGATIVE_INFINITY, offline, timeline: createTimeline(substations) };
    records.set(device.id, fresh);
    stats.devices = records.size;
    return fresh;
  }

  function exemption(rule: EpisodeRule, substationId: string | null, at: number): { exempt: Exemption | null; note: string } {
    // 服务承诺 二.1(2): the 18 °C promise holds only while outdoors is not below the design minimum.
    if (rule !== 'room_low' || substationId === null) return { exempt: null, note: '' };
    const t = outdoor.at(substationId, at) ?? deps.outdoorTemp?.(substationId, at);
    if (t === undefined || t >= config.outdoor.designTempC) return { exempt: null, note: '' };
    return { exempt: 'outdoor_below_design', note: `; outdoor ${formatC(t)} is below the design ${formatC(config.outdoor.designTempC)}` };
  }

  function emit(rec: DeviceRecord, t: Transition, events: RuleEvent[]): void {
    const deviceId = rec.device.id;
    if (t.kind === 'data_quality') {
      const g = passDataQuality(rec.dataQualityAt, t, config.plausibility.flagEveryMin * MINUTE_MS);
      rec.dataQualityAt = g.lastAt;
      if (g.pass) events.push({ kind: 'data_quality', deviceId, at: t.at, detail: t.detail });
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
      const { exempt, note } = exemption(t.rule, substationId, t.at);
      events.push({ kind: 'open', rule: t.rule, ticketType: TICKET_BY_RULE[t.rule], deviceId, substationId, at: t.at, exempt, detail: t.detail + note });
    } else {
      events.push({ kind: 'recovered', rule: t.rule, deviceId, at: t.at, detail: t.detail });
    }
    if (rec.kind === 'room' && (t.rule === 'room_low' || t.rule === 'sudden_drop')) {
      const correlated = correlator.roomChanged(rec.device, { kind: t.kind, rule: t.rule, at: t.at });
      if (correlated !== null) events.push(correlated);
    }
  }

  function judge(device: RuleDevice, readings: readonly Reading[], events: RuleEvent[]): void {
    const rec = recordFor(device);
    const mine = readings.filter((r) => r.kind === device.kind);
    const off = evaluateOfflineReadings(rec.offline, mine.map((r) => r.ts));
    rec.offline = off.state;
    if (off.transition) emit(rec, off.transition, events);

    const sub = substationOf(device);
    const samples: SampleInput<RoomField | SubstationField>[] = [];
    for (const r of mine) {
      const { values, problems } = checkRanges(device.kind, r.values, config.plausibility);
      if (problems.length > 0) emit(rec, { kind: 'data_quality', at: r.ts, detail: problems.join('; ') }, events);
      if (device.kind === 'substation' && values.outdoorTemp !== undefined) outdoor.record(device.id, r.ts, values.outdoorTemp);
      const judged = device.kind === 'room' ? values.temp !== undefined : values.supplyPressure !== undefined || values.supplyTemp !== undefined;
      if (!judged) continue;
      const eligible = (device.kind === 'substation' || inSeason(r.ts)) && !deps.suppressed(device.id, sub, r.ts);
      samples.push({ ts: r.ts, values, eligible });
    }
    if (samples.length === 0) return;
    const update =
      rec.kind === 'room'
        ? addSamples(rec.timeline, samples, device.roomType !== null && config.roomLow.roomTypes.includes(device.roomType) ? coveredRooms : otherRooms, maxLateMs)
        : addSamples(rec.timeline, samples, substations, maxLateMs);
    stats.tooLate += update.tooLate;
    stats.duplicates += update.duplicates;
    for (const t of update.transitions) emit(rec, t, events);
  }

  return {
    onReadings(readings) {
      const byDevice = new Map<string, Reading[]>();
      for (const r of readings) {
        const list = byDevice.get(r.deviceId);
        if (list === undefined) byDevice.set(r.deviceId, [r]);
        else list.push(r);
      }
      // Substations first: their outdoor temperature decides the rooms' exemptions.
      const known = [...byDevice].flatMap(([id, list]) => {
        const device = deps.device(id);
        return device === undefined ? [] : [{ device, list }];
      });
      known.sort((a, b) => (a.device.kind === b.device.kind ? 0 : a.device.kind === 'substation' ? -1 : 1));
      const events: RuleEvent[] = [];
      for (const { device, list } of known) judge(device, list, events);
      return events;
    },

    onTick(now) {
      const events: RuleEvent[] = [];
      for (const rec of records.values()) {
        const { device } = rec;
        // Most devices are not silent: only those pay for the outage lookup.
        if (!isNewlySilent(rec.offline, now, device.intervalSec, config.offline)) continue;
        const suppressed = deps.suppressed(device.id, substationOf(device), now);
        const r = evaluateOfflineTick(rec.offline, now, device.intervalSec, suppressed, config.offline);
        rec.offline = r.state;
        if (r.transition) emit(rec, r.transition, events);
      }
      return events;
    },

    stats: () => ({ ...stats }),
  };
}

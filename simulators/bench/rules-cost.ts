/**
 * The rules' share of ingest cost (issue: at most 10 % per reading): the pure engine timed on
 * its own, in this process, reported as µs per reading. Two loads: the field (many rooms, one
 * reading every 15 min) and fast devices (few rooms, one reading a second, uploaded in batches
 * of 10), where the sudden-drop window holds thousands of readings per device. The fast load
 * also runs out of order: each batch shuffled, or every other batch arriving after the next one
 * (10 readings 10 s late: a replay each time).
 */
import type { Reading } from '../../ingest/contracts/payloads.ts';
import { createRulesEngine } from '../../ingest/core/rules/rules-engine.ts';
import { DEFAULT_RULES_CONFIG } from '../../ingest/core/rules/rules-config.ts';
import type { RuleDevice } from '../../ingest/core/rules/rule-types.ts';

export interface RulesCost {
  usPerReading: number;
  readings: number;
}

/** A winter day in season. */
const START = Date.parse('2026-12-10T00:00:00+08:00');

/** Rooms `R0…` spread over substations `S0…` (which send nothing here), and an engine on them. */
function fleet(rooms: number, substations: number, intervalSec: number) {
  const devices = new Map<string, RuleDevice>();
  const roomsOf = new Map<string, string[]>();
  for (let s = 0; s < substations; s++) {
    const id = `S${s}`;
    devices.set(id, { id, kind: 'substation', roomType: null, substationId: null, intervalSec: 30 });
    roomsOf.set(id, []);
  }
  for (let r = 0; r < rooms; r++) {
    const id = `R${r}`;
    const substationId = `S${r % substations}`;
    devices.set(id, { id, kind: 'room', roomType: r % 2 ? 'living' : 'bedroom', substationId, intervalSec });
    roomsOf.get(substationId)!.push(id);
  }
  return createRulesEngine(DEFAULT_RULES_CONFIG, {
    device: (id) => devices.get(id),
    roomsOf: (id) => roomsOf.get(id) ?? [],
    suppressed: () => false,
  });
}

/** Feeds prepared messages and times only the engine. */
function timed(engine: ReturnType<typeof fleet>, messages: readonly Reading[][]): RulesCost {
  let readings = 0;
  for (const m of messages) readings += m.length;
  const t0 = performance.now();
  for (const m of messages) engine.onReadings(m);
  const ms = performance.now() - t0;
  return { usPerReading: (ms * 1000) / readings, readings };
}

/** Field load: every room reporting every 15 min, temperatures wandering near 20 °C. */
export function measureRulesCost(rooms = 10_000, substations = 100, readingsPerRoom = 60): RulesCost {
  const engine = fleet(rooms, substations, 900);
  const batches: Reading[][] = [];
  for (let i = 0; i < readingsPerRoom; i++) {
    const batch: Reading[] = [];
    for (let r = 0; r < rooms; r++) batch.push({ deviceId: `R${r}`, kind: 'room', ts: START + i * 900_000 + (r % 900) * 1000, values: { temp: 19 + ((r * 7 + i) % 30) / 10 } });
    batches.push(batch);
  }
  return timed(engine, batches);
}

/** A fixed shuffle of a batch of 10: every reading but one arrives behind a newer one. */
const SHUFFLE = [3, 9, 0, 6, 1, 8, 4, 2, 7, 5];

/**
 * Fast load: `rooms` devices sampling once a second (event time), each uploading its last 10
 * readings in one message; the temperature steps by 0.1 °C a minute. `order`: 'shuffled', each
 * batch in a fixed scrambled order; 'late', every other batch after the one that follows it.
 */
export function measureRulesCostFastDevices(rooms = 100, hours = 3, order: 'in-order' | 'shuffled' | 'late' = 'in-order'): RulesCost {
  const engine = fleet(rooms, 1, 10);
  const messages: Reading[][] = [];
  const batchOf = (r: number, k0: number): Reading[] =>
    SHUFFLE.map((s, j) => {
      const k = k0 + (order === 'shuffled' ? s : j);
      return { deviceId: `R${r}`, kind: 'room', ts: START + k * 1000, values: { temp: 20.5 + 0.1 * (Math.floor(k / 60) % 5) } };
    });
  for (let k0 = 0; k0 < hours * 3600; k0 += 20) {
    const [first, second] = order === 'late' ? [k0 + 10, k0] : [k0, k0 + 10];
    for (let r = 0; r < rooms; r++) messages.push(batchOf(r, first));
    for (let r = 0; r < rooms; r++) messages.push(batchOf(r, second));
  }
  return timed(engine, messages);
}

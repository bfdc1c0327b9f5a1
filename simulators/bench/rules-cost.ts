/**
 * The rules' share of ingest cost (issue: at most 10 % per reading): the pure engine timed on
 * its own with a realistic fleet, in this process, reported as µs per reading.
 */
import type { Reading } from '../../ingest/contracts/payloads.ts';
import { createRulesEngine } from '../../ingest/core/rules/rules-engine.ts';
import { DEFAULT_RULES_CONFIG } from '../../ingest/core/rules/rules-config.ts';
import type { RuleDevice } from '../../ingest/core/rules/rule-types.ts';

export function measureRulesCost(rooms = 10_000, substations = 100, readingsPerRoom = 60): { usPerReading: number; readings: number } {
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
    devices.set(id, { id, kind: 'room', roomType: r % 2 ? 'living' : 'bedroom', substationId, intervalSec: 900 });
    roomsOf.get(substationId)!.push(id);
  }
  const engine = createRulesEngine(DEFAULT_RULES_CONFIG, {
    device: (id) => devices.get(id),
    roomsOf: (id) => roomsOf.get(id) ?? [],
    suppressed: () => false,
  });
  // A winter day in season, every room reporting every 15 min, temperatures wandering near 20 °C.
  const start = Date.parse('2026-12-10T00:00:00+08:00');
  const batches: Reading[][] = [];
  for (let i = 0; i < readingsPerRoom; i++) {
    const batch: Reading[] = [];
    for (let r = 0; r < rooms; r++) batch.push({ deviceId: `R${r}`, kind: 'room', ts: start + i * 900_000 + (r % 900) * 1000, values: { temp: 19 + ((r * 7 + i) % 30) / 10 } });
    batches.push(batch);
  }
  const t0 = performance.now();
  for (const b of batches) engine.onReadings(b);
  const ms = performance.now() - t0;
  const readings = rooms * readingsPerRoom;
  return { usPerReading: (ms * 1000) / readings, readings };
}

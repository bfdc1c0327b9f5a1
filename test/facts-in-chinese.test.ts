/** The rules' facts in Chinese for pages: the sentences the dispatcher read before facts were stored. */
import { describe, expect, it } from 'vitest';
import type { RuleFact } from '../ingest/contracts/rule-facts.ts';
import { factsInChinese, situationOf } from '../ingest/services/facts-in-chinese.ts';

const MIN = 60_000;

describe('facts in Chinese', () => {
  it.each<[RuleFact[], string]>([
    [[{ fact: 'room_low', tempC: 17.5, belowC: 18, forMs: 31 * MIN, lowestC: 17.4 }], '室温 17.5 °C，低于 18.0 °C 已 31 分钟（最低 17.4 °C）'],
    [[{ fact: 'sudden_drop', fromC: 21, toC: 17.5, withinMs: 20 * MIN, dropC: 3, windowMin: 60 }], '室温 20 分钟内由 21.0 °C 降至 17.5 °C，下降 3.5 °C（阈值：60 分钟内 3.0 °C）'],
    [[{ fact: 'too_fast', field: 'temp', from: 20, to: 27, withinMs: 5 * MIN, maxChange: 5, perMin: 10 }], '室温 5 分钟内由 20.0 °C 升至 27.0 °C，超过每 10 分钟 5.0 °C 的物理可能'],
    [[{ fact: 'silent', silentMs: 45 * MIN, intervals: 3, intervalSec: 900 }], '45 分钟没有读数（上限：3 个上报周期 × 900 秒）'],
    [
      [
        { fact: 'supply_fell', field: 'supplyPressure', from: 0.62, to: 0.3, withinMs: 4 * MIN },
        { fact: 'supply_fell', field: 'supplyTemp', from: 95, to: 80, withinMs: 9 * MIN },
      ],
      '一次供水压力 4 分钟内由 0.62 MPa 降至 0.30 MPa；一次供水温度 9 分钟内由 95.0 °C 降至 80.0 °C',
    ],
    [
      [
        { fact: 'room_low', tempC: 16, belowC: 18, forMs: 30 * MIN, lowestC: 15.8 },
        { fact: 'outdoor_below_design', outdoorC: -12, designC: -7.7 },
      ],
      '室温 16.0 °C，低于 18.0 °C 已 30 分钟（最低 15.8 °C）；室外日平均 -12.0 °C 低于设计温度 -7.7 °C，不计考核',
    ],
  ])('%j', (facts, sentence) => {
    expect(factsInChinese(facts)).toBe(sentence);
  });

  it("names the device and the substation, and leaves a caller's words as they are", () => {
    const names: Record<string, string> = { R1: '幸福小区 1-101 卧室', S1: '千泉换热站' };
    const nameOf = (id: string) => names[id];
    const rooms: RuleFact[] = [{ fact: 'rooms_together', substationId: 'S1', rooms: 5, affected: 3, windowMin: 60, needed: 3 }];
    expect(situationOf({ deviceId: 'S1', description: '', facts: rooms }, nameOf)).toBe('千泉换热站：千泉换热站 所带 5 个测温点中 3 个在 60 分钟内室温不达标或骤降（达到 3 个即合并为换热站事件）');
    expect(situationOf({ deviceId: null, description: '楼道暖气管漏水', facts: null }, nameOf)).toBe('楼道暖气管漏水');
  });
});

import { describe, expect, it } from 'vitest';
import type { RuleFact } from '../../../../ingest/contracts/rule-facts.ts';
import { I18n } from '../i18n/i18n.svelte.ts';
import { describeFacts, describeTimelineData, ticketSummary } from './describe-facts.ts';

const MIN = 60_000;
const cold: RuleFact[] = [
  { fact: 'room_low', tempC: 17.5, belowC: 18, forMs: 31 * MIN, lowestC: 17.4 },
  { fact: 'outdoor_below_design', outdoorC: -12, designC: -7.7 },
];

function words(locale: 'zh-CN' | 'en'): I18n {
  const i18n = new I18n(null);
  if (i18n.locale !== locale) i18n.toggle();
  return i18n;
}

describe('facts in words', () => {
  it('says what a rule saw in Chinese, and in English for the English UI', () => {
    expect(describeFacts(words('zh-CN'), cold)).toBe('室温 17.5 °C，低于 18.0 °C 已 31 分钟（最低 17.4 °C）；室外日平均 -12.0 °C 低于设计温度 -7.7 °C，不计考核');
    expect(describeFacts(words('en'), cold)).toBe('Room at 17.5 °C, below 18.0 °C for 31 min (lowest 17.4 °C); Outdoor daily mean -12.0 °C, below the design temperature -7.7 °C: not counted');
  });

  it("keeps a caller's words, and an older ticket's stored text, as they are", () => {
    expect(ticketSummary(words('en'), { facts: null, description: '楼道暖气管漏水' })).toBe('楼道暖气管漏水');
  });

  it('says the system entries of the timeline: pages, skipped pages, substation incidents', () => {
    const en = words('en');
    expect(describeTimelineData(en, { alert: 'escalation', channel: '企业微信', people: ['王经理', '张工'] })).toBe('Escalation · 企业微信 → 王经理、张工');
    expect(describeTimelineData(words('zh-CN'), { alert: 'page', skipped: 'nobody_on_duty', substationId: 'S1' }, () => '千泉换热站')).toBe('通知未发出：无值班人员（千泉换热站）');
    expect(describeTimelineData(en, { rooms: ['R1', 'R2'] })).toBe('2 rooms: R1, R2');
  });
});

import { describe, expect, it } from 'vitest';
import { MAX_PAYLOAD_BYTES, validateTelemetry, type RejectReason } from '../ingest/contracts/payloads.ts';
import { parseTopic, statusTopic, telemetryTopic } from '../ingest/contracts/topics.ts';

const NOW = Date.parse('2026-12-01T08:00:00+08:00');
const bytes = (s: string) => Buffer.from(s);

describe('topic contract', () => {
  it.each([
    ['heat/room/R-001/telemetry', { kind: 'room', deviceId: 'R-001', channel: 'telemetry' }],
    ['heat/substation/SS_01/status', { kind: 'substation', deviceId: 'SS_01', channel: 'status' }],
    ['heat/room/R-001/telemetry/extra', null],
    ['heat/boiler/B1/telemetry', null],
    ['heat/room/R 1/telemetry', null],
    ['heat/room//telemetry', null],
    [`heat/room/${'x'.repeat(65)}/telemetry`, null],
    ['heat/room/R1/commands', null],
    ['other/room/R1/telemetry', null],
  ])('%s', (topic, expected) => {
    expect(parseTopic(topic)).toEqual(expected);
  });

  it('builds the topics it parses', () => {
    expect(parseTopic(telemetryTopic('room', 'a-1'))).toEqual({ kind: 'room', deviceId: 'a-1', channel: 'telemetry' });
    expect(parseTopic(statusTopic('substation', 'S1'))?.channel).toBe('status');
  });
});

describe('room payloads', () => {
  const accepted: [string, string, number, Record<string, number>][] = [
    ['minimal', '{"temp":19.6}', NOW, { temp: 19.6 }],
    ['epoch ms', `{"ts":${NOW - 60_000},"temp":19.6,"humidity":41,"battery":3.02,"rssi":-71}`, NOW - 60_000, { temp: 19.6, humidity: 41, battery: 3.02, rssi: -71 }],
    ['ISO with offset', '{"ts":"2026-12-01T07:30:00+08:00","temp":18}', NOW - 1_800_000, { temp: 18 }],
    ['ISO in UTC', '{"ts":"2026-11-30T23:30:00Z","temp":18}', NOW - 1_800_000, { temp: 18 }],
    ['null optional field is absent', '{"temp":20,"humidity":null}', NOW, { temp: 20 }],
    ['unknown fields are ignored', '{"temp":20,"firmware":"1.2"}', NOW, { temp: 20 }],
    ['4 min ahead is clock skew, accepted', `{"ts":${NOW + 240_000},"temp":20}`, NOW + 240_000, { temp: 20 }],
  ];
  it.each(accepted)('accepts %s', (_name, payload, ts, values) => {
    const r = validateTelemetry('room', 'R1', bytes(payload), NOW);
    expect(r.rejections).toEqual([]);
    expect(r.readings).toEqual([{ deviceId: 'R1', kind: 'room', ts, values }]);
  });

  const refused: [string, string | Buffer, RejectReason][] = [
    ['not JSON', 'temp=19', 'not_json'],
    ['truncated JSON', '{"temp":19', 'not_json'],
    ['null', 'null', 'not_object'],
    ['a number', '19.5', 'not_object'],
    ['a string', '"19.5"', 'not_object'],
    ['empty object', '{}', 'invalid_field'],
    ['empty array', '[]', 'empty_array'],
    ['temp as string', '{"temp":"19.6"}', 'invalid_field'],
    ['temp null', '{"temp":null}', 'invalid_field'],
    ['Infinity via 1e999', '{"temp":1e999}', 'invalid_field'],
    ['NaN literal is not JSON', '{"temp":NaN}', 'not_json'],
    ['temp out of range', '{"temp":900}', 'out_of_range'],
    ['humidity out of range', '{"temp":20,"humidity":140}', 'out_of_range'],
    ['ts 6 min ahead', `{"ts":${NOW + 360_000},"temp":20}`, 'ts_in_future'],
    ['ts 8 days old', `{"ts":${NOW - 8 * 86_400_000},"temp":20}`, 'ts_too_old'],
    ['ts in epoch seconds', `{"ts":${Math.floor(NOW / 1000)},"temp":20}`, 'ts_too_old'],
    ['ISO without offset', '{"ts":"2026-12-01T08:00:00","temp":20}', 'invalid_field'],
    ['ts as boolean', '{"ts":true,"temp":20}', 'invalid_field'],
    ['fractional epoch', `{"ts":${NOW}.5,"temp":20}`, 'invalid_field'],
    ['over 256 KB', Buffer.alloc(MAX_PAYLOAD_BYTES + 1, 0x20), 'payload_too_large'],
    ['over 500 readings', JSON.stringify(Array.from({ length: 501 }, () => ({ temp: 20 }))), 'too_many_readings'],
  ];
  it.each(refused)('refuses %s', (_name, payload, reason) => {
    const r = validateTelemetry('room', 'R1', typeof payload === 'string' ? bytes(payload) : payload, NOW);
    expect(r.readings).toEqual([]);
    expect(r.rejections.map((x) => x.reason)).toEqual([reason]);
    expect(r.rejections[0]!.detail.length).toBeGreaterThan(0);
  });

  it('keeps the good readings of a batch and refuses the bad one', () => {
    const batch = [{ ts: NOW - 120_000, temp: 19 }, { ts: NOW - 60_000, temp: 900 }, { ts: NOW, temp: 19.2 }];
    const r = validateTelemetry('room', 'R1', bytes(JSON.stringify(batch)), NOW);
    expect(r.readings.map((x) => x.values.temp)).toEqual([19, 19.2]);
    expect(r.rejections.map((x) => x.reason)).toEqual(['out_of_range']);
  });

  it('accepts a full 500-reading backlog', () => {
    const batch = Array.from({ length: 500 }, (_, i) => ({ ts: NOW - i * 60_000, temp: 20 }));
    expect(validateTelemetry('room', 'R1', bytes(JSON.stringify(batch)), NOW).readings).toHaveLength(500);
  });
});

describe('substation payloads', () => {
  it('accepts the documented example', () => {
    const p = {
      ts: NOW,
      supplyTemp: 92.1,
      returnTemp: 51.3,
      supplyPressure: 0.82,
      returnPressure: 0.31,
      flow: 143.0,
      secSupplyTemp: 48.2,
      secReturnTemp: 38.9,
      secSupplyPressure: 0.45,
      secReturnPressure: 0.25,
      outdoorTemp: -3.5,
    };
    const r = validateTelemetry('substation', 'S1', bytes(JSON.stringify(p)), NOW);
    const { ts: _ts, ...values } = p;
    expect(r.readings).toEqual([{ deviceId: 'S1', kind: 'substation', ts: NOW, values }]);
  });

  it.each([
    ['missing returnTemp', '{"supplyTemp":90}', 'invalid_field'],
    ['a room payload', '{"temp":20}', 'invalid_field'],
    ['negative pressure', '{"supplyTemp":90,"returnTemp":50,"supplyPressure":-0.2}', 'out_of_range'],
  ] as const)('refuses %s', (_n, payload, reason) => {
    expect(validateTelemetry('substation', 'S1', bytes(payload), NOW).rejections.map((x) => x.reason)).toEqual([reason]);
  });
});

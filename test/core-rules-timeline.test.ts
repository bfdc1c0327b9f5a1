/**
 * A device's timeline (device-timeline.ts, held-window.ts), with a recording program instead of
 * the rules: the incremental look-backs must equal a plain scan of the window whatever order the
 * readings arrive in, and late readings must cost one replay per call, of the readings from the
 * last checkpoint on, never readings × window.
 */
import { describe, expect, it } from 'vitest';
import { CHECKPOINT_READINGS, DeviceTimeline, type DeviceProgram } from '../ingest/core/rules/device-timeline.ts';
import { addSample, type SampleBuffer } from '../ingest/core/rules/rule-transition.ts';

const SEC = 1000;
const MIN = 60 * SEC;
const WINDOW = 10 * MIN;

interface Sample {
  ts: number;
  /** NaN: not reported; 90 or more: implausible (the program refuses it). */
  v: number;
  eligible: boolean;
}

/** What each step saw, by event time (a replay overwrites), and how many steps ran. */
function recorder() {
  const seen = new Map<number, string>();
  let steps = 0;
  const program: DeviceProgram<object, 'v'> = {
    fields: ['v'],
    windows: [{ field: 'v', windowMs: WINDOW }],
    start: () => ({}),
    copyInto: () => undefined,
    step(_state, h, held, i) {
      steps += 1;
      const w = held[0]!;
      if (h.value(i, w.column) >= 90) return false;
      const k = w.peak(h, i);
      const peak = k < 0 ? 'none' : `${w.pairLevel(h, k)}@${h.ts(k)}`;
      seen.set(h.ts(i), `peak ${peak} level ${w.level(h, i)} eligible ${h.eligible(i)}`);
      return true;
    },
  };
  return { program, seen, steps: () => steps };
}

/** The same look-backs by scanning the window (the engine's definition before it went incremental). */
function scanned(accepted: readonly Sample[]): Map<number, string> {
  const sorted = [...accepted].sort((a, b) => a.ts - b.ts);
  const usable = (s: Sample) => s.eligible && !Number.isNaN(s.v) && s.v < 90;
  const out = new Map<number, string>();
  sorted.forEach((s, i) => {
    if (s.v >= 90) return;
    const from = s.ts - WINDOW;
    let peak = 'none';
    let best = Number.NEGATIVE_INFINITY;
    let later: Sample | null = null;
    let level = Number.NaN;
    for (let j = i - 1; j >= 0 && sorted[j]!.ts >= from; j--) {
      const earlier = sorted[j]!;
      if (!usable(earlier)) continue;
      if (later === null && !Number.isNaN(s.v)) level = Math.max(s.v, earlier.v);
      if (later !== null && Math.min(earlier.v, later.v) > best) {
        best = Math.min(earlier.v, later.v);
        peak = `${best}@${later.ts}`;
      }
      later = earlier;
    }
    out.set(s.ts, `peak ${peak} level ${level} eligible ${s.eligible}`);
  });
  return out;
}

/** A seeded generator, so a failure can be replayed. */
function random(seed: number) {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

/** Every 15 s or so, drifting with drops, some readings not reported, implausible (also for minutes on end) or not eligible. */
function series(rnd: () => number, n: number): Sample[] {
  let level = 20;
  let glitching = 0;
  return Array.from({ length: n }, (_, k) => {
    level += rnd() < 0.02 ? -4 : (rnd() - 0.5) * 0.6;
    if (glitching === 0 && rnd() < 0.005) glitching = 20 + Math.floor(rnd() * 180);
    const u = rnd();
    const v = glitching-- > 0 || u < 0.02 ? 95 : u < 0.05 ? Number.NaN : Math.round(level * 10) / 10;
    glitching = Math.max(0, glitching);
    return { ts: k * 15 * SEC + Math.floor(rnd() * 5) * SEC, v, eligible: rnd() > 0.05 };
  });
}

/** Feeds messages to a fresh timeline; returns what it saw and the readings it accepted. */
function feed(messages: readonly Sample[][], maxLateMs: number) {
  const rec = recorder();
  const tl = new DeviceTimeline(rec.program);
  const counts = { tooLate: 0, duplicates: 0 };
  const buffer: SampleBuffer<'v'> = { items: [], length: 0 };
  const accepted = new Map<number, Sample>();
  let latest = Number.NEGATIVE_INFINITY;
  const stepsPerCall: number[] = [];
  for (const m of messages) {
    buffer.length = 0;
    for (const s of m) addSample(buffer, s.ts, Number.isNaN(s.v) ? {} : { v: s.v }, s.eligible);
    const before = rec.steps();
    tl.add(buffer, rec.program, maxLateMs, [], counts);
    stepsPerCall.push(rec.steps() - before);
    const newest = Math.max(...m.map((s) => s.ts));
    for (const s of m) if (s.ts >= latest - maxLateMs && !accepted.has(s.ts)) accepted.set(s.ts, s);
    latest = Math.max(latest, newest);
  }
  return { seen: rec.seen, accepted: [...accepted.values()], steps: rec.steps(), stepsPerCall, counts };
}

const chunks = <T>(xs: readonly T[], size: number): T[][] => Array.from({ length: Math.ceil(xs.length / size) }, (_, k) => xs.slice(k * size, (k + 1) * size));

describe('held windows', () => {
  it.each<[string, number, (s: Sample[], rnd: () => number) => Sample[][]]>([
    ['in order, one reading per message', 60 * MIN, (s) => s.map((x) => [x])],
    ['batches of 10, shuffled', 60 * MIN, (s, rnd) => chunks(s, 10).map((c) => [...c].sort(() => rnd() - 0.5))],
    ['every other batch of 10 a batch late', 60 * MIN, (s) => chunks(chunks(s, 10), 2).flatMap(([a, b]) => (b ? [b, a!] : [a!]))],
    ['a fifth of the readings up to 40 min late', 60 * MIN, (s, rnd) => [...s].map((x) => ({ x, at: x.ts + (rnd() < 0.2 ? rnd() * 40 * MIN : 0) })).sort((a, b) => a.at - b.at).map(({ x }) => [x])],
    ['late readings with a short horizon (old readings are dropped and compacted away)', 3 * MIN, (s, rnd) => chunks([...s].map((x) => ({ x, at: x.ts + rnd() * 2 * MIN })).sort((a, b) => a.at - b.at).map(({ x }) => x), 7)],
  ])('%s: the same peaks and levels as a scan of the window', (_name, maxLateMs, deliver) => {
    for (let seed = 1; seed <= 5; seed++) {
      const rnd = random(seed);
      const { seen, accepted } = feed(deliver(series(rnd, 1500), rnd), maxLateMs);
      expect(seen, `seed ${seed}`).toEqual(scanned(accepted));
    }
  });

  it('forgets the queued peaks of a window gone by while the sensor was implausible', () => {
    // Falling (every pair queued), then implausible for 15 min (no step looks back), then
    // plausible again: pairs dropped with their readings while no step looked must not come
    // back, whether the whole queue was dropped or only its older part.
    for (let fallingMin = 5; fallingMin <= 40; fallingMin++) {
      const falling = fallingMin * 4;
      const v = (k: number) => (k < falling ? 30 - k / 20 : k < falling + 60 ? 95 : 20);
      const story: Sample[] = Array.from({ length: falling + 200 }, (_, k) => ({ ts: k * 15 * SEC, v: v(k), eligible: true }));
      const { seen, accepted } = feed(story.map((x) => [x]), 3 * MIN);
      expect(seen, `falling for ${fallingMin} min`).toEqual(scanned(accepted));
    }
  });
});

describe('the cost of late readings', () => {
  // One reading a second for 3 h: 10 800 readings, 600 in each 10 min window.
  const second = (k: number): Sample => ({ ts: k * SEC, v: 20 + (Math.floor(k / 60) % 5) / 10, eligible: true });
  const hours = Array.from({ length: 3 * 3600 }, (_, k) => second(k));
  const lateness = 120 * MIN;

  it('in order, every reading is stepped once', () => {
    expect(feed(chunks(hours, 10), lateness).steps).toBe(hours.length);
    expect(feed(hours.map((s) => [s]), lateness).steps).toBe(hours.length);
  });

  it('a late batch is replayed once, from the checkpoint before its earliest reading', () => {
    // Ten readings held back from the last 100 min arrive together at the end.
    const late = Array.from({ length: 10 }, (_, n) => hours.length - 6000 + n * 600);
    const onTime = hours.filter((_, k) => !late.includes(k));
    const { stepsPerCall, accepted, seen } = feed([...chunks(onTime, 10), late.map((k) => hours[k]!)], lateness);
    const replayed = hours.length - late[0]!;
    expect(stepsPerCall.at(-1)).toBeGreaterThanOrEqual(replayed);
    expect(stepsPerCall.at(-1)).toBeLessThanOrEqual(replayed + CHECKPOINT_READINGS);
    expect(seen).toEqual(scanned(accepted));
  });

  it('a device re-sending old readings one per message costs a replay of what follows each, not of its window', () => {
    // One reading a minute is held back and sent on its own after the batch that follows it.
    const heldBack = (s: Sample) => s.ts % MIN === 30 * SEC;
    const messages = chunks(hours.filter((s) => !heldBack(s)), 10).flatMap((batch) => {
      const due = hours.filter((s) => heldBack(s) && s.ts < batch[0]!.ts && s.ts >= batch[0]!.ts - 10 * SEC);
      return [batch, ...due.map((s) => [s])];
    });
    const { stepsPerCall, seen, accepted } = feed(messages, lateness);
    expect(Math.max(...stepsPerCall)).toBeLessThanOrEqual(10 + 60 + CHECKPOINT_READINGS);
    expect(seen).toEqual(scanned(accepted));
  });
});

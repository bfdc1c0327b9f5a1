/**
 * Seeded randomness for the simulators. Two kinds, both pure:
 * - `mulberry32(seed)`: a stream, for generating a fleet once, in a fixed order;
 * - `noise(seed, ...keys)`: counter-based, one value per (seed, device, sample), so a reading's
 *   sensor noise does not depend on how many other values were drawn before it — the same
 *   reading comes out whether the world is advanced in one call or a thousand.
 */

export type Random = () => number;

/** mulberry32: a tiny 32-bit generator with a full 2^32 period; returns [0, 1). */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mixes integers into one 32-bit hash (murmur3 finaliser per key). */
export function hashInts(...keys: number[]): number {
  let h = 0x9e3779b9;
  for (const key of keys) {
    // Keys may exceed 32 bits (sample counters, epoch minutes): fold the high part in too.
    const hi = Math.floor(key / 4294967296);
    for (const part of [key >>> 0, hi >>> 0]) {
      h ^= part;
      h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
      h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
      h ^= h >>> 16;
    }
  }
  return h >>> 0;
}

/** A uniform value in [0, 1) fixed by its keys. */
export function noise(...keys: number[]): number {
  return mulberry32(hashInts(...keys))();
}

/** A standard normal value fixed by its keys (Box–Muller on two keyed uniforms). */
export function gaussianNoise(...keys: number[]): number {
  const next = mulberry32(hashInts(...keys));
  const u = 1 - next();
  const v = next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Uniform in [min, max) from a stream. */
export function between(random: Random, min: number, max: number): number {
  return min + (max - min) * random();
}

/** Integer in [min, max] from a stream. */
export function intBetween(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** Smooth value noise in [-1, 1]: random knots at integer x, cosine-interpolated between them. */
export function smoothNoise(seed: number, x: number): number {
  const i = Math.floor(x);
  const f = x - i;
  const a = noise(seed, i) * 2 - 1;
  const b = noise(seed, i + 1) * 2 - 1;
  const w = (1 - Math.cos(Math.PI * f)) / 2;
  return a + (b - a) * w;
}

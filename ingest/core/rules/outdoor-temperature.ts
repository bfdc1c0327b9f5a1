/**
 * Outdoor temperature per substation, learned from the substations' own readings (their
 * `outdoorTemp` field) in event time, for the design-temperature exemption (服务承诺 二.1(2):
 * the 18 °C promise holds only while outdoors is not below the design minimum). The value used
 * for a moment is the newest reading at or before it, if not older than `maxAgeMs`.
 *
 * A substation reports every 10–30 s and the log keeps hours, so its readings are two columns
 * of numbers and old ones are dropped by moving `head`, compacted only once as many are dropped
 * as kept: recording one costs O(1) amortized (O(readings after it) when it arrives late).
 */

interface Series {
  readonly ts: number[];
  readonly values: number[];
  /** Points before `head` are dropped. */
  head: number;
}

export interface OutdoorLog {
  record(substationId: string, ts: number, value: number): void;
  at(substationId: string, atMs: number): number | undefined;
}

/** Index of the last point with ts <= atMs, or head - 1. */
function lastAtOrBefore(s: Series, atMs: number): number {
  let lo = s.head;
  let hi = s.ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s.ts[mid]! <= atMs) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

function dropBefore(s: Series, keepFrom: number): void {
  s.head = Math.max(s.head, keepFrom);
  if (s.head < 64 || 2 * s.head < s.ts.length) return;
  const kept = s.ts.length - s.head;
  for (let k = 0; k < kept; k++) {
    s.ts[k] = s.ts[k + s.head]!;
    s.values[k] = s.values[k + s.head]!;
  }
  s.ts.length = kept;
  s.values.length = kept;
  s.head = 0;
}

/** `retainMs`: how far behind a substation's newest reading values are kept for lookups. */
export function createOutdoorLog(maxAgeMs: number, retainMs: number): OutdoorLog {
  const series = new Map<string, Series>();

  return {
    record(substationId, ts, value) {
      let s = series.get(substationId);
      if (s === undefined) series.set(substationId, (s = { ts: [], values: [], head: 0 }));
      const i = lastAtOrBefore(s, ts);
      if (i >= s.head && s.ts[i] === ts) s.values[i] = value;
      else if (i === s.ts.length - 1) {
        s.ts.push(ts);
        s.values.push(value);
      } else {
        s.ts.splice(i + 1, 0, ts);
        s.values.splice(i + 1, 0, value);
      }
      // Keep one point older than the retention edge: it still answers lookups just after it.
      dropBefore(s, lastAtOrBefore(s, s.ts[s.ts.length - 1]! - retainMs));
    },
    at(substationId, atMs) {
      const s = series.get(substationId);
      if (s === undefined) return undefined;
      const i = lastAtOrBefore(s, atMs);
      return i >= s.head && atMs - s.ts[i]! <= maxAgeMs ? s.values[i] : undefined;
    },
  };
}

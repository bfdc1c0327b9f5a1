/**
 * Outdoor temperature per substation, learned from the substations' own readings (their
 * `outdoorTemp` field) in event time, for the design-temperature exemption (服务承诺 二.1(2):
 * the 18 °C promise holds only while outdoors is not below the design minimum). The value used
 * for a moment is the newest reading at or before it, if not older than `maxAgeMs`.
 */

interface Point {
  ts: number;
  value: number;
}

export interface OutdoorLog {
  record(substationId: string, ts: number, value: number): void;
  at(substationId: string, atMs: number): number | undefined;
}

/** `retainMs`: how far behind a substation's newest reading values are kept for lookups. */
export function createOutdoorLog(maxAgeMs: number, retainMs: number): OutdoorLog {
  const series = new Map<string, Point[]>();

  /** Index of the last point with ts <= atMs, or -1. */
  function lastAtOrBefore(points: readonly Point[], atMs: number): number {
    let lo = 0;
    let hi = points.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (points[mid]!.ts <= atMs) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  return {
    record(substationId, ts, value) {
      let points = series.get(substationId);
      if (points === undefined) series.set(substationId, (points = []));
      const i = lastAtOrBefore(points, ts);
      if (points[i]?.ts === ts) points[i] = { ts, value };
      else points.splice(i + 1, 0, { ts, value });
      const newest = points[points.length - 1]!.ts;
      // Keep one point older than the retention edge: it still answers lookups just after it.
      const keepFrom = lastAtOrBefore(points, newest - retainMs);
      if (keepFrom > 0) points.splice(0, keepFrom);
    },
    at(substationId, atMs) {
      const points = series.get(substationId);
      if (points === undefined) return undefined;
      const p = points[lastAtOrBefore(points, atMs)];
      return p !== undefined && atMs - p.ts <= maxAgeMs ? p.value : undefined;
    },
  };
}

/**
 * Outdoor temperature per substation, learned from the substations' own readings (their
 * `outdoorTemp` field) in event time, for the design-temperature exemption (服务承诺 二.1(2):
 * the 18 °C promise holds only while outdoors is not below the design minimum). The design
 * temperature is a daily mean (GB 50736), so the exemption is judged on a day's mean, never on
 * one cold morning: when a room ticket opens, the mean of the 24 hours before it — each hour's
 * mean, hours with readings, at least `minHours` of them, the newest within `maxAgeMs` of the
 * moment. The report judges each finished Beijing day on that day's own mean.
 *
 * Kept as hourly sums per substation, two days of them: a substation reporting every 10 s costs
 * 48 buckets, not 17 280 points.
 */

const HOUR_MS = 3_600_000;
const KEEP_HOURS = 48;

export interface OutdoorLog {
  record(substationId: string, ts: number, value: number): void;
  /** The mean of the 24 hours before `atMs`, or undefined when too few of them were reported. */
  dayMean(substationId: string, atMs: number): number | undefined;
}

interface Hours {
  /** Hour index (epoch hours) → sum and count of the readings in it. */
  readonly buckets: Map<number, { sum: number; n: number }>;
  newest: number;
}

export function createOutdoorLog({ maxAgeMs, minHours }: { maxAgeMs: number; minHours: number }): OutdoorLog {
  const bySubstation = new Map<string, Hours>();
  return {
    record(substationId, ts, value) {
      let h = bySubstation.get(substationId);
      if (h === undefined) bySubstation.set(substationId, (h = { buckets: new Map(), newest: Number.NEGATIVE_INFINITY }));
      const hour = Math.floor(ts / HOUR_MS);
      const b = h.buckets.get(hour);
      if (b === undefined) h.buckets.set(hour, { sum: value, n: 1 });
      else {
        b.sum += value;
        b.n += 1;
      }
      if (hour > h.newest) {
        h.newest = hour;
        for (const k of h.buckets.keys()) if (k <= hour - KEEP_HOURS) h.buckets.delete(k);
      }
    },
    dayMean(substationId, atMs) {
      const h = bySubstation.get(substationId);
      if (h === undefined) return undefined;
      const last = Math.floor(atMs / HOUR_MS);
      let sum = 0;
      let hours = 0;
      let newest = Number.NEGATIVE_INFINITY;
      for (let k = last - 23; k <= last; k++) {
        const b = h.buckets.get(k);
        if (b === undefined) continue;
        sum += b.sum / b.n;
        hours += 1;
        newest = k;
      }
      // Still reporting: an hour with readings within maxAgeMs of the moment.
      if (hours < minHours || atMs - (newest + 1) * HOUR_MS > maxAgeMs) return undefined;
      return sum / hours;
    },
  };
}

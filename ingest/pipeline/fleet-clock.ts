/**
 * The time the offline rule judges silence by. Rules run on event time (DESIGN.md §3); for
 * silence there is no event, so take the fleet's own clock: the MEDIAN of the devices' newest
 * event times, moved on by the wall time since it last advanced, never past the wall clock.
 * Live, that is about now (less half a typical upload gap, which spares store-and-forward
 * sensors between uploads). In a fast replay it is the replay's time, and a device falls behind
 * it only by being silent — not because its batch is still on the way, as a maximum would have it.
 */
import type { Reading } from '../contracts/payloads.ts';

export function createFleetClock(wall: () => number = Date.now) {
  const newest = new Map<string, number>();
  let median = -Infinity;
  let medianAt = wall();
  let lastTickAt = -Infinity;
  let lastTickWall = -Infinity;

  function recompute(): void {
    if (newest.size === 0) return;
    const times = [...newest.values()].sort((a, b) => a - b);
    const m = times[Math.floor(times.length / 2)]!;
    if (m > median) {
      median = m;
      medianAt = wall();
    }
  }

  const clock = {
    note(readings: readonly Reading[]): void {
      for (const r of readings) if (r.ts > (newest.get(r.deviceId) ?? -Infinity)) newest.set(r.deviceId, r.ts);
    },
    now(): number {
      const w = wall();
      return median === -Infinity ? w : Math.min(w, median + (w - medianAt));
    },
    /**
     * Whether the offline rule should look again: after a minute of fleet time (often, in a fast
     * replay where hours pass in seconds, but at most 4 times a second) or 15 s of wall time.
     * Recomputes the median then.
     */
    due(): boolean {
      const w = wall();
      const estimate = clock.now();
      if (estimate - lastTickAt < 60_000 && w - lastTickWall < 15_000) return false;
      // The median sorts every device's time: at most every 250 ms, however fast a replay runs.
      if (w - lastTickWall < 250) return false;
      recompute();
      lastTickAt = clock.now();
      lastTickWall = w;
      return true;
    },
  };
  return clock;
}

/**
 * Counts every refusal per device and reason, keeps the latest ones with their detail for the
 * API, and feeds the metric. Bounded: unknown usernames are attacker-chosen, so the per-device
 * table has a ceiling and overflow is counted under "(other)".
 */
import type { RejectReason } from '../contracts/payloads.ts';
import type { Metrics } from '../observability/metrics.ts';

export interface RejectionEvent {
  at: string;
  deviceId: string | null;
  reason: RejectReason;
  detail: string;
}

export interface RejectionSummary {
  total: number;
  byReason: Partial<Record<RejectReason, number>>;
  byDevice: { deviceId: string; counts: Partial<Record<RejectReason, number>> }[];
  recent: RejectionEvent[];
}

const MAX_DEVICES = 10_000;
const RECENT = 200;
const OTHER = '(other)';

export type RejectionLog = ReturnType<typeof createRejectionLog>;

export function createRejectionLog(metrics: Pick<Metrics, 'readingsRejected'>, clock: () => number = Date.now) {
  const byDevice = new Map<string, Partial<Record<RejectReason, number>>>();
  const byReason: Partial<Record<RejectReason, number>> = {};
  const recent: RejectionEvent[] = [];
  let total = 0;

  return {
    record(deviceId: string | null, reason: RejectReason, detail: string, count = 1): void {
      total += count;
      byReason[reason] = (byReason[reason] ?? 0) + count;
      metrics.readingsRejected.inc({ reason }, count);
      const key = deviceId === null ? OTHER : byDevice.has(deviceId) || byDevice.size < MAX_DEVICES ? deviceId : OTHER;
      const counts = byDevice.get(key) ?? {};
      counts[reason] = (counts[reason] ?? 0) + count;
      byDevice.set(key, counts);
      recent.push({ at: new Date(clock()).toISOString(), deviceId, reason, detail: detail.slice(0, 300) });
      if (recent.length > RECENT) recent.shift();
    },
    forDevice(deviceId: string): Partial<Record<RejectionEvent['reason'], number>> {
      return { ...byDevice.get(deviceId) };
    },
    summary(): RejectionSummary {
      return {
        total,
        byReason: { ...byReason },
        byDevice: [...byDevice].map(([deviceId, counts]) => ({ deviceId, counts: { ...counts } })),
        recent: [...recent].reverse(),
      };
    },
  };
}

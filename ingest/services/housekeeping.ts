/**
 * The timers of a running HeatWatch: device presence saved, the offline rule's tick, expired
 * sessions purged, retention applied and yesterday's room-days judged for the reports (soon after
 * start as well as hourly: a process restarted often must still do both).
 */
import type { Logger } from 'pino';
import type { TelemetryStore } from '../ports/telemetry-store.ts';

export interface HousekeepingDeps {
  persistPresence: () => Promise<void>;
  /** The offline rule looks for silence when the fleet clock says it is due. */
  tick: () => void;
  purgeSessions: () => Promise<void>;
  store: Pick<TelemetryStore, 'applyRetention'>;
  /** Computes (and so keeps) yesterday's daily means; cheap once kept. */
  judgeYesterday: () => Promise<void>;
  logger: Logger;
}

export function startHousekeeping(d: HousekeepingDeps): () => void {
  const runRetention = () =>
    d.store.applyRetention(Date.now()).then(
      (r) => r.deleted > 0 && d.logger.info(r, 'raw readings past retention rolled up and removed'),
      (err: unknown) => d.logger.error({ err }, 'retention failed'),
    );
  const judge = () => d.judgeYesterday().catch((err: unknown) => d.logger.error({ err }, 'judging yesterday for the reports failed'));
  const persist = () => d.persistPresence().catch((err: unknown) => d.logger.error({ err }, 'saving the devices\' last values failed (kept for the next save)'));
  const purge = () => d.purgeSessions().catch((err: unknown) => d.logger.error({ err }, 'purging expired sessions failed'));
  const timers = [
    setInterval(persist, 5_000),
    setInterval(d.tick, 5_000),
    setInterval(purge, 3_600_000),
    setTimeout(runRetention, 60_000),
    setInterval(runRetention, 3_600_000),
    setTimeout(judge, 90_000),
    setInterval(judge, 3_600_000),
  ];
  return () => {
    for (const t of timers) clearTimeout(t);
  };
}

/**
 * A full outbox or a broken disk fails every batch: say so every 10 s with the count, not
 * hundreds of times a second.
 */
import type { Logger } from 'pino';

export function createWriteFailureLog(logger: Logger, everyMs = 10_000, clock: () => number = Date.now) {
  let failures = 0;
  let lastReport = -Infinity;
  return (err: Error): void => {
    failures++;
    if (clock() - lastReport < everyMs) return;
    logger.error({ err: err.cause ?? err, failedBatches: failures }, 'telemetry writes failing: senders are not acknowledged and will send again');
    failures = 0;
    lastReport = clock();
  };
}

/**
 * Group commit: readings from many devices are gathered for a few milliseconds (or until the
 * batch is full) and made durable in one store write; then every waiting sender is released.
 * In embedded mode "released" is the MQTT PUBACK, so a sensor is only told its reading is safe
 * once it is. One write is in flight at a time; the next batch gathers meanwhile.
 * With `maxDelayMs` 0 a batch is everything that arrived in one turn of the event loop: no added
 * latency when quiet, and batches grow by themselves under load.
 */
import type { Reading } from '../contracts/payloads.ts';
import type { TelemetryStore } from '../ports/telemetry-store.ts';
import { AppError } from '../errors.ts';

export type Release = (err: Error | null) => void;

export interface BatchWriterOptions {
  store: Pick<TelemetryStore, 'write'>;
  maxBatch: number;
  maxDelayMs: number;
  /** Called with each batch after it is durable (live updates, rules). */
  onDurable: (readings: Reading[]) => void;
  onWriteTime?: (seconds: number) => void;
  onError?: (err: Error) => void;
}

export function createBatchWriter(o: BatchWriterOptions) {
  let readings: Reading[] = [];
  let releases: Release[] = [];
  let timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  let writing: Promise<void> | undefined;

  function schedule() {
    if (writing) return; // the running write flushes again when it finishes
    if (readings.length >= o.maxBatch) {
      void flush();
    } else if (!timer && (readings.length > 0 || releases.length > 0)) {
      timer = o.maxDelayMs === 0 ? setImmediate(() => void flush()) : setTimeout(() => void flush(), o.maxDelayMs);
    }
  }

  async function flush(): Promise<void> {
    if (timer) {
      clearTimeout(timer as NodeJS.Timeout);
      clearImmediate(timer as NodeJS.Immediate);
      timer = undefined;
    }
    if (writing || (readings.length === 0 && releases.length === 0)) return writing;
    const batch = readings;
    const waiting = releases;
    readings = [];
    releases = [];
    writing = (async () => {
      const started = performance.now();
      let error: Error | null = null;
      try {
        await o.store.write(batch);
        o.onWriteTime?.((performance.now() - started) / 1000);
      } catch (err) {
        error = new AppError('HW_STORE_WRITE_FAILED', 'telemetry store write failed', { cause: err });
        o.onError?.(error);
      }
      for (const release of waiting) release(error);
      if (!error && batch.length > 0) o.onDurable(batch);
    })();
    try {
      await writing;
    } finally {
      writing = undefined;
      schedule();
    }
  }

  return {
    /** Queues readings; `release` is called once they are durable (or the write failed). */
    submit(batch: readonly Reading[], release: Release): void {
      for (const r of batch) readings.push(r);
      releases.push(release);
      schedule();
    },
    get pending(): number {
      return readings.length;
    },
    /** Writes everything queued, including what arrives while flushing. */
    async drain(): Promise<void> {
      while (writing || readings.length > 0 || releases.length > 0) {
        if (writing) await writing.catch(() => undefined);
        else await flush();
      }
    },
  };
}

export type BatchWriter = ReturnType<typeof createBatchWriter>;

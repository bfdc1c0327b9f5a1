/**
 * The main thread's side of the readings writer thread (telemetry-writer-worker.mjs): packs a
 * batch into one Float64Array per device kind (moved, not copied, to the thread), and resolves
 * each write once the thread has committed it. Writes are committed in the order they were
 * handed over. A thread that dies fails the writes it held; the next write starts a new one.
 */
import { Worker } from 'node:worker_threads';
import { FIELDS_BY_KIND, type Reading } from '../../contracts/payloads.ts';
import { DEVICE_KINDS } from '../../contracts/topics.ts';

const WORKER = new URL('./telemetry-writer-worker.mjs', import.meta.url);

interface Part {
  kind: string;
  ids: string[];
  data: Float64Array;
}

interface Answer {
  id: number;
  error?: string;
  code?: string;
}

export interface TelemetryWriter {
  /** Resolves once `readings` (and the forgetting of `late` device-days' kept means) is committed. */
  write(readings: readonly Reading[], late: readonly (readonly [string, number])[]): Promise<void>;
  /** Waits for the writes handed over, then ends the thread. */
  close(): Promise<void>;
}

/** Splits a batch by device kind into ids and rows of numbers (NaN: a field not carried). */
function pack(readings: readonly Reading[]): Part[] {
  const parts: Part[] = [];
  for (const kind of DEVICE_KINDS) {
    let n = 0;
    for (const r of readings) if (r.kind === kind) n++;
    if (n === 0) continue;
    const fields = FIELDS_BY_KIND[kind];
    const stride = 1 + fields.length;
    const ids = new Array<string>(n);
    const data = new Float64Array(n * stride);
    let i = 0;
    for (const r of readings) {
      if (r.kind !== kind) continue;
      ids[i] = r.deviceId;
      const at = i * stride;
      data[at] = r.ts;
      for (let f = 0; f < fields.length; f++) data[at + 1 + f] = r.values[fields[f]!] ?? NaN;
      i++;
    }
    parts.push({ kind, ids, data });
  }
  return parts;
}

export function startTelemetryWriter(file: string): TelemetryWriter {
  let worker: Worker | undefined;
  let nextId = 1;
  const pending = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  /** The last write handed over, settled: committed in order, so all before it are too. */
  let last: Promise<unknown> = Promise.resolve();

  function failAll(err: Error): void {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  }

  function thread(): Worker {
    if (worker) return worker;
    // No loader for the thread: it is plain JavaScript.
    const w = new Worker(WORKER, { workerData: { file, fieldsByKind: FIELDS_BY_KIND }, execArgv: [] });
    w.unref();
    w.on('message', (m: Answer) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (pending.size === 0) w.unref();
      if (m.error === undefined) p.resolve();
      else p.reject(Object.assign(new Error(m.error), { code: m.code }));
    });
    w.on('error', (err) => {
      if (worker === w) worker = undefined;
      failAll(err);
    });
    w.on('exit', (code) => {
      if (worker === w) worker = undefined;
      failAll(new Error(`the readings writer thread ended (exit code ${code})`));
    });
    worker = w;
    return w;
  }

  return {
    write(readings, late) {
      const parts = pack(readings);
      const w = thread();
      const id = nextId++;
      const written = new Promise<void>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        // The process waits for a write it handed over (a short script that writes and ends).
        if (pending.size === 1) w.ref();
        w.postMessage(
          { id, parts, late },
          parts.map((p) => p.data.buffer as ArrayBuffer),
        );
      });
      last = written.catch(() => undefined);
      return written;
    },
    async close() {
      await last;
      const w = worker;
      if (!w) return;
      worker = undefined;
      const exited = new Promise<void>((r) => w.once('exit', () => r()));
      w.postMessage({ close: true });
      await exited;
    },
  };
}


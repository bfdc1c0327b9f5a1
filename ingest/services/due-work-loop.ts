/**
 * The loop behind everything HeatWatch sends from a stored queue (alerts, customer notices):
 * run what is due, then sleep until the next item falls due — at most `maxSleepMs`, so changes
 * made elsewhere (a roster, a channel, a clock jump) are seen. A kick while running runs once
 * more right after; `runNow` waits for the work to settle (tests, a shutdown).
 */
import type { Logger } from 'pino';

export interface DueWorkLoop {
  /** Begins working through what is due, and keeps at it (on one node of several: the leader's). */
  start(): void;
  /** Stops working (leadership lost): what is due stays stored for whoever works next. */
  stop(): Promise<void>;
  /** Runs due work now (or right after the run in progress); not started, tells `elsewhere`. */
  kick(): void;
  /** Asks for another run once the current one ends (a run that left work behind). */
  again(): void;
  runNow(): Promise<void>;
  close(): Promise<void>;
}

export function createDueWorkLoop(o: {
  run: () => Promise<void>;
  /** When the next stored item falls due (epoch ms), or null. */
  nextDueAt: () => Promise<number | null>;
  clock: () => number;
  log: Logger;
  /** What the log says when a run throws. */
  failure: string;
  maxSleepMs?: number;
  /**
   * Work was added while this node does not work the queue (another node leads): tell the one
   * that does, so it sends now rather than at its next look.
   */
  elsewhere?: () => void;
}): DueWorkLoop {
  let running: Promise<void> | null = null;
  let pending = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  let started = false;

  function schedule(): void {
    if (closed || !started) return;
    clearTimeout(timer);
    const maxSleepMs = o.maxSleepMs ?? 5_000;
    const sleep = (ms: number) => {
      // A kick while the store was asked has started a run: its end schedules the next.
      if (!closed && started && !running) timer = setTimeout(kick, ms);
    };
    o.nextDueAt().then(
      (next) => sleep(Math.max(0, Math.min(maxSleepMs, (next ?? Infinity) - o.clock()))),
      (err: Error) => {
        o.log.error({ err: err.message }, o.failure);
        sleep(maxSleepMs);
      },
    );
  }

  function kick(): void {
    if (closed) return;
    if (started) run();
    else o.elsewhere?.();
  }

  function run(): void {
    if (running) {
      pending = true;
      return;
    }
    running = o
      .run()
      .catch((err: Error) => o.log.error({ err: err.message }, o.failure))
      .finally(() => {
        running = null;
        if (pending) {
          pending = false;
          if (!closed && started) run();
        } else schedule();
      });
  }

  return {
    start(): void {
      started = true;
      kick();
    },
    async stop(): Promise<void> {
      started = false;
      clearTimeout(timer);
      await running;
    },
    kick,
    again: () => void (pending = true),
    async runNow(): Promise<void> {
      while (running) await running;
      run();
      while (running) await running;
    },
    async close(): Promise<void> {
      closed = true;
      clearTimeout(timer);
      await running;
    },
  };
}

/** One ticking "now" for every countdown on the page, instead of a timer per ticket. */
export class Clock {
  now = $state(Date.now());
  #timer: ReturnType<typeof setInterval> | undefined;

  start(everyMs = 1000): void {
    this.#timer ??= setInterval(() => (this.now = Date.now()), everyMs);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

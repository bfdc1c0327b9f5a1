/**
 * The map's timings as User Timing entries (`heatwatch:map-index`, `-refresh`, `-draw`): visible
 * in DevTools' performance panel and to a PerformanceObserver in a benchmark. Only the latest of
 * each is kept, so a shift of redraws does not fill the performance timeline buffer.
 */
export function measure(name: string, start: number): void {
  performance.clearMeasures(name);
  performance.measure(name, { start });
}

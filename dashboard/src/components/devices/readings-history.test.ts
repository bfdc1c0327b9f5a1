import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiClient } from '../../lib/api/api-client.ts';
import { ReadingsHistory } from './readings-history.svelte.ts';

/** A real ApiClient over a fetch that answers when the test says so, and honours abort like the browser's. */
function server() {
  const requests: { url: string; signal: AbortSignal; answer: (readings: object[]) => void }[] = [];
  const fetch = (url: string | URL | Request, init?: RequestInit) =>
    new Promise<Response>((resolve, reject) => {
      const signal = init!.signal!;
      signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      requests.push({ url: String(url), signal, answer: (readings) => resolve(new Response(JSON.stringify({ readings }), { status: 200 })) });
    });
  return { requests, api: new ApiClient({ token: () => 't', onUnauthorized: () => undefined, fetch: fetch as typeof globalThis.fetch }) };
}

const flush = () => new Promise((r) => setTimeout(r, 0));
const NOW = Date.parse('2026-12-10T04:30:00.000Z');

afterEach(() => vi.useRealTimers());

describe('readings history', () => {
  it('aborts the request of the range before, so a slow answer cannot replace the newer chart', async () => {
    const { requests, api } = server();
    const h = new ReadingsHistory(api, 'R1', () => NOW);
    void h.load();
    h.select('season');
    expect(requests).toHaveLength(2);
    expect(requests[0].signal.aborted).toBe(true);
    expect(requests[1].url).toContain('every=6h');
    expect(requests[1].url).toContain('from=2026-11-14T16%3A00%3A00.000Z');
    requests[1].answer([{ ts: '2026-11-20T00:00:00.000Z', temp: 20 }]);
    await flush();
    expect(h.rows).toHaveLength(1);
    expect(h.rowsRange).toBe('season');
    expect(h.loading).toBe(false);
  });

  it('refreshes the 24 h chart on newer live readings at most once per 30 s', async () => {
    vi.useFakeTimers();
    let now = NOW;
    const { requests, api } = server();
    const h = new ReadingsHistory(api, 'R1', () => now, 30_000);
    void h.load();
    requests[0].answer([]);
    await vi.advanceTimersByTimeAsync(0);
    h.noteLiveReading('2026-12-10T04:29:00.000Z'); // what the store had when the panel opened
    now += 5_000;
    h.noteLiveReading('2026-12-10T04:30:00.000Z');
    h.noteLiveReading('2026-12-10T04:30:30.000Z');
    h.noteLiveReading('2026-12-10T04:30:30.000Z');
    await vi.advanceTimersByTimeAsync(24_000);
    expect(requests).toHaveLength(1);
    now += 25_000;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(requests).toHaveLength(2);
    expect(requests[1].url).toContain('every=5m');
  });

  it('leaves the 7-day and season charts alone when readings arrive, and stops on close', async () => {
    vi.useFakeTimers();
    const { requests, api } = server();
    const h = new ReadingsHistory(api, 'R1', () => NOW);
    h.select('7d');
    h.noteLiveReading('2026-12-10T04:29:00.000Z');
    h.noteLiveReading('2026-12-10T04:30:00.000Z');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(requests).toHaveLength(1);
    h.close();
    expect(requests[0].signal.aborted).toBe(true);
  });
});

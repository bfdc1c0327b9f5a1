/**
 * Rule fired → engineer notified (issue 6, DESIGN.md §8: under 1 s), measured while ingest runs
 * at full load: substations of their own suffer a pipe burst one after another, and a real HTTP
 * receiver (the webhook channel of the on-duty team) notes when each page arrives. The latency
 * is from publishing the burst reading to the page reaching the receiver.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import mqtt from 'mqtt';
import type { HeatWatchClient } from '../heatwatch-client.ts';

export interface AlertLatency {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Provisions `count` substations and a duty team paging a local webhook; returns a prober. */
export async function prepareAlertProbe(o: { api: HeatWatchClient; mqttUrl: string; count: number }) {
  const arrivals = new Map<string, number>();
  const receiver = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const body = JSON.parse(raw || '{}') as { text?: string };
      const station = /地点：(BS-\d+)/.exec(body.text ?? '')?.[1];
      if (station && !arrivals.has(station)) arrivals.set(station, Date.now());
      res.writeHead(200).end('{}');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/page`;
  await o.api.call('PUT', '/api/alerting/channels/bench-hook', { name: 'bench webhook', config: { type: 'webhook', url: hook } });
  const stations: { id: string; password: string }[] = [];
  for (let i = 0; i < o.count; i++) {
    const id = `BS-${String(i).padStart(3, '0')}`;
    const created = await o.api.provision({ id, kind: 'substation', name: id, lat: 35.4, lng: 116.97 });
    stations.push({ id, password: created.mqtt.password });
  }
  await o.api.call('PUT', '/api/alerting/roster', {
    people: [{ id: 'duty', name: '值班工程师', mobile: '13800000000' }],
    teams: [{ id: 'all', name: '抢修班', substations: '*', channels: ['bench-hook'] }],
    shifts: [{ team: 'all', person: 'duty', role: 'engineer', weekdays: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '00:00' }],
  });

  return {
    /** Bursts one substation every `gapMs` while the load runs; resolves with the latencies. */
    async run(gapMs = 400): Promise<AlertLatency> {
      const sent = new Map<string, number>();
      for (const [i, s] of stations.entries()) {
        const client = await mqtt.connectAsync(o.mqttUrl, { username: s.id, password: s.password, reconnectPeriod: 0 });
        // Each burst 15 min of event time before the last: collapses at several substations within
        // 5 min are one burst on a main, one ticket paged once — these are separate accidents.
        const now = Date.now() - i * 15 * 60_000;
        const reading = (minAgo: number, p: number) => ({ ts: now - minAgo * 60_000, supplyPressure: p, supplyTemp: 95, returnTemp: 55 });
        await client.publishAsync(`heat/substation/${s.id}/telemetry`, JSON.stringify([6, 5, 4, 3].map((m) => reading(m, 0.85))), { qos: 1 });
        sent.set(s.id, Date.now());
        await client.publishAsync(`heat/substation/${s.id}/telemetry`, JSON.stringify([reading(2, 0.6), reading(1, 0.55)]), { qos: 1 });
        await client.endAsync();
        await sleep(gapMs);
      }
      const deadline = Date.now() + 10_000;
      while (arrivals.size < stations.length && Date.now() < deadline) await sleep(50);
      await new Promise<void>((r) => receiver.close(() => r()));
      const latencies = stations.map((s) => (arrivals.get(s.id) ?? Number.POSITIVE_INFINITY) - sent.get(s.id)!).sort((a, b) => a - b);
      const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
      return { samples: latencies.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: latencies.at(-1)! };
    },
  };
}

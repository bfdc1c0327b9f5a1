/**
 * Live events across nodes (issue 18, DESIGN.md §11): with `HEATWATCH_REDIS_URL`, socket.io
 * broadcasts go through Redis pub/sub (`@socket.io/redis-adapter`), so a dashboard connected to
 * any node sees a ticket opened by another node's rules, and a complaint about staff still only
 * on dispatch's sockets (rooms are the adapter's too). `key` keeps the channels of one
 * HeatWatch apart from another on the same Redis. A Redis that goes away is reconnected to by
 * the client; meanwhile each node's own clients still get its own events.
 */
import { createAdapter } from '@socket.io/redis-adapter';
import type { Logger } from 'pino';
import { createClient } from 'redis';

export interface RedisAdapter {
  adapter: ReturnType<typeof createAdapter>;
  close(): Promise<void>;
}

export async function connectRedisAdapter({ url, key, logger }: { url: string; key: string; logger: Logger }): Promise<RedisAdapter> {
  const log = logger.child({ component: 'redis' });
  const pub = createClient({ url, socket: { connectTimeout: 5000, reconnectStrategy: (retries) => Math.min(retries * 200, 5000) } });
  const sub = pub.duplicate();
  let failing = false;
  for (const client of [pub, sub]) {
    client.on('error', (err: Error) => {
      if (!failing) log.warn({ err: err.message }, 'redis unreachable: live events reach this node\'s dashboards only until it is back');
      failing = true;
    });
    client.on('ready', () => {
      if (failing) log.info('redis reachable again: live events reach every node');
      failing = false;
    });
  }
  await Promise.all([pub.connect(), sub.connect()]);
  return {
    adapter: createAdapter(pub, sub, { key }),
    async close() {
      await Promise.allSettled([pub.quit(), sub.quit()]);
    },
  };
}

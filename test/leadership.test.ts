/**
 * One rules leader among nodes on one PostgreSQL (issue 18): the advisory lock on a connection
 * of each node's own. Against the machine's PostgreSQL, a database per test.
 */
import pg from 'pg';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { startLeadership, wakeLeader, type Leadership } from '../ingest/adapters/postgres/pg-leadership.ts';
import { eventually } from './support/heatwatch.ts';
import { afterFile, pgDatabase } from './support/postgres.ts';

const logger = pino({ level: 'silent' });

/** A node's leadership with what it was told, in order. */
async function node(url: string) {
  const events: string[] = [];
  const leadership: Leadership = await startLeadership({
    url,
    tryEveryMs: 200,
    onGained: async () => void events.push('gained'),
    onLost: async () => void events.push('lost'),
    onWake: (queue) => void events.push(`wake ${queue}`),
    logger,
  });
  afterFile(() => leadership.close());
  return { leadership, events };
}

/** Ends every leadership session of the test's database from the server side, as a crash would. */
async function cutLeadershipSessions(url: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'heatwatch leadership' AND pid IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory')");
  await admin.end();
}

describe('the rules leader', () => {
  it('is one node: the first to start leads, the second waits', async () => {
    const url = await pgDatabase();
    const a = await node(url);
    const b = await node(url);
    expect(a.leadership.isLeader()).toBe(true);
    expect(a.events).toEqual(['gained']);
    expect(b.leadership.isLeader()).toBe(false);
    expect(b.events).toEqual([]);
  });

  it('passes to the other node when the leader stops', async () => {
    const url = await pgDatabase();
    const a = await node(url);
    const b = await node(url);
    await a.leadership.close();
    await eventually(() => b.leadership.isLeader());
    expect(b.events).toEqual(['gained']);
  });

  it('is lost when the leader’s session dies: the old leader stops, and one node leads again', async () => {
    const url = await pgDatabase();
    const a = await node(url);
    const b = await node(url);
    await cutLeadershipSessions(url);
    await eventually(() => a.events.includes('lost'));
    // Either node may win the next try (the old leader reconnects and tries too); one does.
    await eventually(() => a.events.length === 3 || b.events.length === 1);
    expect([a.leadership.isLeader(), b.leadership.isLeader()].filter(Boolean)).toHaveLength(1);
    expect(a.events.slice(0, 2)).toEqual(['gained', 'lost']);
  });

  it('is woken by any node that queued pages or notices, and no other node is', async () => {
    const url = await pgDatabase();
    const a = await node(url);
    const b = await node(url);
    // Any node's pool, on the same database: what a node that does not lead does after queueing.
    const other = new pg.Pool({ connectionString: url });
    afterFile(() => other.end());
    await wakeLeader(other, 'alerts');
    await wakeLeader(other, 'notices');
    await eventually(() => a.events.length === 3);
    expect(a.events).toEqual(['gained', 'wake alerts', 'wake notices']);
    expect(b.events).toEqual([]);
    await a.leadership.close();
    await eventually(() => b.leadership.isLeader());
    await wakeLeader(other, 'alerts');
    await eventually(() => b.events.length === 2);
    expect(b.events).toEqual(['gained', 'wake alerts']);
    expect(a.events).toHaveLength(3);
  });
});

/**
 * One leader among the nodes sharing a PostgreSQL (DESIGN.md §11): the node that holds a
 * session-level advisory lock on a connection of its own. No home-made consensus: PostgreSQL
 * releases the lock when that session ends — the process killed, the connection lost — and
 * another node's next try (every `tryEveryMs`) takes it.
 *
 * The session asks the server to probe it (TCP keepalives after 5 s idle, every 2 s, 2 misses):
 * a leader cut off from the database loses the lock within about 10 s, not the 2 h of the
 * defaults. The leader checks its own connection at every try; a failed check, an error or the
 * end of the connection means it leads no more, and it says so before anyone else can take over.
 *
 * The leader also listens on that connection for work the other nodes queued (`wakeLeader`): a
 * ticket opened by hand on another node is paged now, not at the leader's next look.
 */
import pg from 'pg';
import type { Logger } from 'pino';

/** Any fixed 64-bit number: the rules leader's lock among the database's advisory locks. */
export const RULES_LEADER_LOCK = 0x4857_5255_4c45_5253n; // "HWRULERS"

/** Where a node tells the leader it queued work (NOTIFY, delivered on commit to the leader only). */
const WAKE_CHANNEL = 'heatwatch_leader_wake';

/** The queues the leader works through for the others. */
export type LeaderQueue = 'alerts' | 'notices';

/** Tells whichever node leads that `queue` has new work. */
export async function wakeLeader(pool: pg.Pool, queue: LeaderQueue): Promise<void> {
  await pool.query('SELECT pg_notify($1, $2)', [WAKE_CHANNEL, queue]);
}

export interface LeadershipOptions {
  url: string;
  lockKey?: bigint;
  tryEveryMs?: number;
  /** This node leads now: start what only the leader does. Awaited before the next try. */
  onGained: () => Promise<void>;
  /** This node leads no more: stop it at once. Awaited before the next try. */
  onLost: () => Promise<void>;
  /** While leading: another node queued work (`wakeLeader`). */
  onWake?: (queue: LeaderQueue) => void;
  logger: Logger;
}

export interface Leadership {
  isLeader(): boolean;
  /** Stops trying; a leader's connection ends, which releases the lock for the others. */
  close(): Promise<void>;
}

/** Resolves after the first try: a node alone becomes the leader before it starts serving. */
export async function startLeadership({ url, lockKey = RULES_LEADER_LOCK, tryEveryMs = 2_000, onGained, onLost, onWake, logger }: LeadershipOptions): Promise<Leadership> {
  const log = logger.child({ component: 'leadership' });
  let client: pg.Client | undefined;
  let leader = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let trying: Promise<void> = Promise.resolve();

  async function standDown(why: string): Promise<void> {
    if (!leader) return;
    leader = false;
    log.warn({ why }, 'this node no longer leads: rules and alerting stopped here');
    await onLost().catch((err: unknown) => log.error({ err }, 'stopping the leader’s work failed'));
  }

  function drop(c: pg.Client): void {
    if (client === c) client = undefined;
    c.removeAllListeners('end');
    void c.end().catch(() => undefined);
  }

  async function connect(): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: url, keepAlive: true, query_timeout: tryEveryMs * 3, application_name: 'heatwatch leadership' });
    c.on('error', (err) => log.warn({ err: err.message }, 'the leadership connection failed'));
    c.on('notification', (n) => {
      if (leader && (n.payload === 'alerts' || n.payload === 'notices')) onWake?.(n.payload);
    });
    c.on('end', () => {
      if (client === c) client = undefined;
      // Queued behind any try in progress, so gaining and losing never interleave.
      trying = trying.then(() => standDown('connection to PostgreSQL lost'));
    });
    await c.connect();
    await c.query('SET tcp_keepalives_idle = 5; SET tcp_keepalives_interval = 2; SET tcp_keepalives_count = 2');
    return c;
  }

  async function attempt(): Promise<void> {
    try {
      client ??= await connect();
      if (leader) {
        await client.query('SELECT 1');
        return;
      }
      const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [lockKey.toString()]);
      if (!rows[0]?.ok || closed) return;
      await client.query(`LISTEN ${WAKE_CHANNEL}`);
      leader = true;
      log.info('this node leads: it runs the rules and sends the pages');
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'leadership try failed; trying again');
      if (client) drop(client);
      await standDown('the leadership connection failed');
      return;
    }
    try {
      await onGained();
    } catch (err) {
      // Its lock released with its connection: another node (or this one, next try) takes over.
      log.error({ err: (err as Error).message }, 'taking the lead failed; letting it go');
      if (client) drop(client);
      await standDown('taking the lead failed');
    }
  }

  function loop(): void {
    if (closed) return;
    trying = trying.then(attempt).finally(() => {
      if (!closed) timer = setTimeout(loop, tryEveryMs);
    });
  }

  loop();
  await trying;
  return {
    isLeader: () => leader,
    async close() {
      closed = true;
      clearTimeout(timer);
      await trying;
      if (client) {
        const c = client;
        c.removeAllListeners('end');
        client = undefined;
        await c.end().catch(() => undefined);
      }
      leader = false;
    },
  };
}

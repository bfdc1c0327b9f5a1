/**
 * The relational store the configuration asks for (DESIGN.md §11): the embedded SQLite file by
 * default, or PostgreSQL (HEATWATCH_DATABASE_URL) that several nodes share. Both offer the same
 * ports, held to the same contract tests (test/*-contract.test.ts).
 */
import { createHmac } from 'node:crypto';
import type pg from 'pg';
import type { Logger } from 'pino';
import { ConfigError } from '../config/config.ts';
import type { AlertStore } from '../ports/alert-store.ts';
import type { DeviceRegistry } from '../ports/device-registry.ts';
import type { HandoverStore } from '../ports/handover-store.ts';
import type { HouseholdStore } from '../ports/household-store.ts';
import type { OutageStore } from '../ports/outage-store.ts';
import type { TicketStore } from '../ports/ticket-store.ts';
import type { UserStore } from '../ports/user-store.ts';
import type { VisitStore } from '../ports/visit-store.ts';
import type { SecretBox } from '../security/secret-box.ts';
import { createPgAlertStore } from './postgres/pg-alert-store.ts';
import { openPostgres } from './postgres/pg-database.ts';
import { createPgDeviceRegistry } from './postgres/pg-device-registry.ts';
import { createPgHandoverStore } from './postgres/pg-handover-store.ts';
import { createPgHouseholdStore } from './postgres/pg-household-store.ts';
import { wakeLeader, type LeaderQueue } from './postgres/pg-leadership.ts';
import { createPgOutageStore } from './postgres/pg-outage-store.ts';
import { createPgTicketStore } from './postgres/pg-ticket-store.ts';
import { createPgUserStore } from './postgres/pg-user-store.ts';
import { createPgVisitStore } from './postgres/pg-visit-store.ts';
import type { Db } from './sqlite/open-database.ts';
import { createSqliteAlertStore } from './sqlite/sqlite-alert-store.ts';
import { createSqliteDeviceRegistry } from './sqlite/sqlite-device-registry.ts';
import { createSqliteHandoverStore } from './sqlite/sqlite-handover-store.ts';
import { createSqliteHouseholdStore } from './sqlite/sqlite-household-store.ts';
import { createSqliteOutageStore } from './sqlite/sqlite-outage-store.ts';
import { createSqliteTicketStore } from './sqlite/sqlite-ticket-store.ts';
import { createSqliteUserStore } from './sqlite/sqlite-user-store.ts';
import { createSqliteVisitStore } from './sqlite/sqlite-visit-store.ts';

export interface RelationalStores {
  /** `postgres`: shared with other nodes, whose changes this node must expect. */
  kind: 'sqlite' | 'postgres';
  registry: DeviceRegistry;
  users: UserStore;
  tickets: TicketStore;
  alerts: AlertStore;
  households: HouseholdStore;
  outages: OutageStore;
  visits: VisitStore;
  handovers: HandoverStore;
  /** PostgreSQL: tells the node that leads (sends pages and notices) that a queue has new work. */
  wakeLeader: ((queue: LeaderQueue) => Promise<void>) | null;
  close(): Promise<void>;
}

export interface OpenRelationalStoresDeps {
  /** HEATWATCH_DATABASE_URL; SQLite (`db`) without it. */
  databaseUrl: string | undefined;
  db: Db;
  /** Seals the channels' secrets at rest. */
  box: SecretBox;
  /**
   * The keys every node sharing a database must hold alike: the channels' secrets key (another
   * could not open them) and the acknowledge links' key (a link signed by one node is followed on
   * any). Their fingerprints are kept in the database by the first node; a node with other keys
   * does not start.
   */
  keys: { secrets: Buffer; ackLinks: Buffer };
  logger: Logger;
}

export async function openRelationalStores({ databaseUrl, db, box, keys, logger }: OpenRelationalStoresDeps): Promise<RelationalStores> {
  if (!databaseUrl) {
    return {
      kind: 'sqlite',
      registry: createSqliteDeviceRegistry(db),
      users: createSqliteUserStore(db),
      tickets: createSqliteTicketStore(db),
      alerts: createSqliteAlertStore(db, box),
      households: createSqliteHouseholdStore(db),
      outages: createSqliteOutageStore(db),
      visits: createSqliteVisitStore(db),
      handovers: createSqliteHandoverStore(db),
      wakeLeader: null,
      close: async () => undefined,
    };
  }
  const log = logger.child({ component: 'postgres' });
  // A connection PostgreSQL drops while idle (a restart, a failover) is replaced on next use.
  const pool = await openPostgres(databaseUrl, (err) => log.warn({ err: err.message }, 'an idle PostgreSQL connection was dropped; it is replaced on next use'));
  try {
    await sameKeysAsTheOtherNodes(pool, keys);
    const registry = await createPgDeviceRegistry(pool, { url: databaseUrl, onListenerError: (err) => log.warn({ err: err.message }, 'listening for devices provisioned on other nodes failed; reconnecting') });
    const alerts = await createPgAlertStore(pool, box);
    log.info({ database: new URL(databaseUrl).pathname.slice(1), host: new URL(databaseUrl).host }, 'relational data in PostgreSQL');
    return {
      kind: 'postgres',
      registry,
      users: createPgUserStore(pool),
      tickets: createPgTicketStore(pool),
      alerts,
      households: createPgHouseholdStore(pool),
      outages: createPgOutageStore(pool),
      visits: createPgVisitStore(pool),
      handovers: createPgHandoverStore(pool),
      wakeLeader: (queue) => wakeLeader(pool, queue),
      async close() {
        await registry.close();
        await pool.end();
      },
    };
  } catch (err) {
    await pool.end();
    throw err;
  }
}

const KEYS_SETTING = 'nodeKeyFingerprints';
const fingerprint = (key: Buffer) => createHmac('sha256', key).update('heatwatch node key').digest('hex').slice(0, 16);

/** Refuses to start beside nodes holding other keys (see `keys`); the first node's are kept. */
async function sameKeysAsTheOtherNodes(pool: pg.Pool, keys: { secrets: Buffer; ackLinks: Buffer }): Promise<void> {
  const mine = { secrets: fingerprint(keys.secrets), ackLinks: fingerprint(keys.ackLinks) };
  await pool.query('INSERT INTO alert_settings (key, value, updated_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING', [KEYS_SETTING, JSON.stringify(mine), Date.now()]);
  const { rows } = await pool.query<{ value: string }>('SELECT value FROM alert_settings WHERE key = $1', [KEYS_SETTING]);
  const theirs = JSON.parse(rows[0]!.value) as typeof mine;
  const problems = [
    ...(theirs.secrets === mine.secrets ? [] : ['HEATWATCH_SECRETS_KEY: not the key of the nodes already on this database (every node needs the same, or the channels\' secrets cannot be opened)']),
    ...(theirs.ackLinks === mine.ackLinks ? [] : ['HEATWATCH_ACK_LINK_SECRET: not the secret of the nodes already on this database (every node needs the same, or a page\'s acknowledge link fails on another node)']),
  ];
  if (problems.length > 0) throw new ConfigError(problems);
}

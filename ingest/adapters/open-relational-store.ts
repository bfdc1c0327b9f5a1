/**
 * The relational store the configuration asks for (DESIGN.md §11): the embedded SQLite file by
 * default, or PostgreSQL (HEATWATCH_DATABASE_URL) that several nodes share. Both offer the same
 * ports, held to the same contract tests (test/*-contract.test.ts).
 */
import type { Logger } from 'pino';
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
  close(): Promise<void>;
}

export interface OpenRelationalStoresDeps {
  /** HEATWATCH_DATABASE_URL; SQLite (`db`) without it. */
  databaseUrl: string | undefined;
  db: Db;
  /** Seals the channels' secrets at rest. */
  box: SecretBox;
  logger: Logger;
}

export async function openRelationalStores({ databaseUrl, db, box, logger }: OpenRelationalStoresDeps): Promise<RelationalStores> {
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
      close: async () => undefined,
    };
  }
  const log = logger.child({ component: 'postgres' });
  // A connection PostgreSQL drops while idle (a restart, a failover) is replaced on next use.
  const pool = await openPostgres(databaseUrl, (err) => log.warn({ err: err.message }, 'an idle PostgreSQL connection was dropped; it is replaced on next use'));
  try {
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

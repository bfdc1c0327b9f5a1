/**
 * Opens HeatWatch's SQLite file (WAL) and brings its schema up to date. One file holds the
 * registry, users, sessions and — in embedded mode — telemetry.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

/**
 * Ordered migrations; each runs once, in a transaction, and bumps user_version. Each is literal
 * SQL, frozen once released: a database made by an older version must end up with exactly the
 * schema a new one gets, so a migration never reads today's field lists or constants. A new
 * telemetry field is a new migration (ALTER TABLE … ADD COLUMN); a test holds the readings
 * tables to the contract's fields.
 */
const MIGRATIONS: string[] = [
  `
  CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('room', 'substation')),
    name TEXT NOT NULL,
    lat REAL NOT NULL,
    lng REAL NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    room_type TEXT CHECK (room_type IN ('bedroom', 'living', 'other')),
    substation_id TEXT,
    interval_sec INTEGER NOT NULL,
    secret_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX devices_by_substation ON devices (substation_id);
  CREATE TABLE device_state (
    device_id TEXT PRIMARY KEY,
    last_ts INTEGER NOT NULL,
    last_values TEXT NOT NULL,
    seen_at INTEGER NOT NULL
  );
  CREATE TABLE users (
    username TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'dispatcher', 'engineer', 'viewer')),
    display_name TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES users (username) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE TABLE readings_room (
    device_id TEXT NOT NULL, ts INTEGER NOT NULL,
    "temp" REAL, "humidity" REAL, "battery" REAL, "rssi" REAL,
    PRIMARY KEY (device_id, ts)
  ) WITHOUT ROWID;
  CREATE TABLE readings_substation (
    device_id TEXT NOT NULL, ts INTEGER NOT NULL,
    "supplyTemp" REAL, "returnTemp" REAL, "supplyPressure" REAL, "returnPressure" REAL, "flow" REAL,
    "secSupplyTemp" REAL, "secReturnTemp" REAL, "secSupplyPressure" REAL, "secReturnPressure" REAL, "outdoorTemp" REAL,
    PRIMARY KEY (device_id, ts)
  ) WITHOUT ROWID;
  CREATE TABLE readings_hourly (
    device_id TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    field TEXT NOT NULL,
    n INTEGER NOT NULL,
    mean REAL NOT NULL,
    min REAL NOT NULL,
    max REAL NOT NULL,
    PRIMARY KEY (device_id, bucket, field)
  ) WITHOUT ROWID;
  `,
  // 2: tickets, their timeline, planned outages (the rules/tickets issue).
  `
  CREATE TABLE tickets (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    status TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('rule', 'hotline')),
    rule TEXT,
    device_id TEXT,
    substation_id TEXT,
    parent_id TEXT,
    description TEXT NOT NULL,
    address TEXT,
    contact TEXT,
    opened_at INTEGER NOT NULL,
    due_at INTEGER,
    milestone TEXT,
    milestone_at INTEGER,
    exempt TEXT,
    recovered_at INTEGER,
    cause TEXT,
    resolved_at INTEGER,
    callback_due_at INTEGER,
    closed_at INTEGER,
    updated_at INTEGER NOT NULL
  );
  -- One open ticket per device and rule (DESIGN.md §3): the database refuses a second.
  CREATE UNIQUE INDEX tickets_one_open_per_rule ON tickets (device_id, rule)
    WHERE status <> 'closed' AND rule IS NOT NULL AND device_id IS NOT NULL;
  CREATE INDEX tickets_by_status ON tickets (status, due_at);
  CREATE INDEX tickets_by_substation ON tickets (substation_id, status);
  CREATE INDEX tickets_by_device ON tickets (device_id, opened_at);
  CREATE TABLE ticket_timeline (
    seq INTEGER PRIMARY KEY,
    ticket_id TEXT NOT NULL REFERENCES tickets (id),
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    note TEXT
  );
  CREATE INDEX timeline_by_ticket ON ticket_timeline (ticket_id, seq);
  CREATE TABLE outages (
    id INTEGER PRIMARY KEY,
    substation_id TEXT NOT NULL,
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL,
    reason TEXT NOT NULL,
    registered_at INTEGER NOT NULL,
    registered_by TEXT NOT NULL,
    late_notice INTEGER NOT NULL
  );
  `,
  // 3: when the condition was met in event time (a replay or a buffered upload opens its ticket
  // long after); the readings around the event are looked up there.
  `ALTER TABLE tickets ADD COLUMN event_at INTEGER;`,
  // 4: alerting (issue 6): settings (roster, policy), channels, the alerts planned per ticket
  // (one of each kind: no duplicate pages for an episode), and every delivery with its attempts.
  `
  CREATE TABLE alert_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at INTEGER NOT NULL);
  CREATE TABLE alert_channels (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    config TEXT NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE alerts (
    id INTEGER PRIMARY KEY,
    ticket_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    due_at INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    UNIQUE (ticket_id, kind)
  );
  CREATE INDEX alerts_pending ON alerts (state, due_at);
  CREATE TABLE deliveries (
    id TEXT PRIMARY KEY,
    alert_id INTEGER NOT NULL REFERENCES alerts (id),
    ticket_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    recipients TEXT NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    sent_at INTEGER
  );
  CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
  CREATE INDEX deliveries_by_ticket ON deliveries (ticket_id, created_at);
  `,
  // Accounts an admin has disabled: no login, no session.
  `ALTER TABLE users ADD COLUMN disabled_at INTEGER;`,
  // 6: facts instead of sentences (the edges put them into words, in Chinese or English): what a
  // rule saw when it opened a ticket, and what a system entry of the timeline records. Older
  // rows keep their Chinese text in description and note.
  `
  ALTER TABLE tickets ADD COLUMN facts TEXT;
  ALTER TABLE ticket_timeline ADD COLUMN data TEXT;
  `,
  // 7: callbacks kept, not just dated (issue 13): when the customer was called back, what they
  // said and the number called. Earlier callbacks get their time from the timeline.
  `
  ALTER TABLE tickets ADD COLUMN callback_at INTEGER;
  ALTER TABLE tickets ADD COLUMN satisfaction TEXT CHECK (satisfaction IN ('satisfied', 'basically_satisfied', 'dissatisfied'));
  ALTER TABLE tickets ADD COLUMN called_number TEXT;
  UPDATE tickets SET callback_at = (SELECT MIN(e.at) FROM ticket_timeline e WHERE e.ticket_id = tickets.id AND e.action = 'callback')
   WHERE status IN ('callback_done', 'closed');
  CREATE INDEX tickets_callback_due ON tickets (callback_due_at) WHERE callback_due_at IS NOT NULL;
  `,
  // 8: each device's daily mean of a field, for days that are over in Beijing time (the reports):
  // computed once from the readings, dropped when a late reading for that device and day arrives.
  // \`day\` counts Beijing days since 1970-01-01; \`mean\` is null for a day without readings.
  `
  CREATE TABLE daily_means (
    device_id TEXT NOT NULL,
    field TEXT NOT NULL,
    day INTEGER NOT NULL,
    hours INTEGER NOT NULL,
    mean REAL,
    PRIMARY KEY (device_id, field, day)
  ) WITHOUT ROWID;
  `,
  // 9: households (issue 14): who lives behind the room sensors, and which substation feeds them.
  // A sensor belongs to one household at most.
  `
  CREATE TABLE households (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    phone TEXT NOT NULL,
    address TEXT NOT NULL,
    substation_id TEXT NOT NULL,
    area_m2 REAL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX households_by_substation ON households (substation_id);
  CREATE TABLE household_devices (
    device_id TEXT PRIMARY KEY,
    household_id TEXT NOT NULL REFERENCES households (id) ON DELETE CASCADE
  );
  CREATE INDEX household_devices_by_household ON household_devices (household_id);
  `,
  // 10: stops and the customers' notices (issue 14): planned or unplanned, an expected restore
  // that may be unknown, changed, ended or cancelled (each change one revision, one round of
  // notices); every notice to a household through a customer channel, with its attempts. The
  // old rows were planned stops; whether their customers were told on time is judged anew.
  `
  CREATE TABLE outages_new (
    id INTEGER PRIMARY KEY,
    substation_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('planned', 'unplanned')),
    starts_at INTEGER NOT NULL,
    ends_at INTEGER,
    reason TEXT NOT NULL,
    areas TEXT,
    registered_at INTEGER NOT NULL,
    registered_by TEXT NOT NULL,
    ended_at INTEGER,
    cancelled_at INTEGER,
    revision INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL
  );
  INSERT INTO outages_new (id, substation_id, kind, starts_at, ends_at, reason, registered_at, registered_by, updated_at)
    SELECT id, substation_id, 'planned', starts_at, ends_at, reason, registered_at, registered_by, registered_at FROM outages;
  DROP TABLE outages;
  ALTER TABLE outages_new RENAME TO outages;
  CREATE INDEX outages_by_substation ON outages (substation_id, starts_at);
  CREATE TABLE notices (
    id TEXT PRIMARY KEY,
    outage_id INTEGER NOT NULL,
    revision INTEGER NOT NULL,
    kind TEXT NOT NULL,
    household_id TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    phone TEXT NOT NULL,
    text TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    sent_at INTEGER,
    UNIQUE (outage_id, revision, household_id, channel_id)
  );
  CREATE INDEX notices_due ON notices (status, next_attempt_at);
  CREATE INDEX notices_by_outage ON notices (outage_id, revision);
  `,
  // 11: 派单 (issue 15): whom dispatch gave a ticket to, a person of the duty roster (the name as
  // it was then).
  `
  ALTER TABLE tickets ADD COLUMN assignee_id TEXT;
  ALTER TABLE tickets ADD COLUMN assignee_name TEXT;
  CREATE INDEX tickets_by_assignee ON tickets (assignee_id) WHERE assignee_id IS NOT NULL;
  `,
  // 12: 交接班 (issue 15): the handover sheet as the outgoing dispatcher produced it (JSON, so the
  // record keeps what was handed over after the tickets move on), and who took it over, when.
  `
  CREATE TABLE handovers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at INTEGER NOT NULL,
    from_username TEXT NOT NULL,
    from_name TEXT NOT NULL,
    note TEXT NOT NULL,
    sheet TEXT NOT NULL,
    acknowledged_at INTEGER,
    ack_username TEXT,
    ack_name TEXT,
    ack_note TEXT
  );
  `,
  // 13: visits with on-site measurement (issue 16, seed 六): planned for a household by two or
  // more staff; the form (measurements beside the sensor, the signature as a PNG, or the
  // refusal and a neighbour's measurement) recorded once.
  `
  CREATE TABLE visits (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    household_id TEXT NOT NULL,
    scheduled_at INTEGER NOT NULL,
    staff TEXT NOT NULL,
    ticket_id TEXT,
    night_asked INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('planned', 'done', 'cancelled')),
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    completed_at INTEGER,
    completed_by TEXT,
    measurements TEXT,
    signature BLOB,
    refused TEXT,
    completion_note TEXT
  );
  CREATE INDEX visits_by_household ON visits (household_id, scheduled_at);
  CREATE INDEX visits_by_status ON visits (status, scheduled_at);
  `,
  // 14: complete intake (issue 16, seed 三, 一.5, 二.1(4), 二.4(4)): how a customer's ticket came
  // in (tickets opened by dispatch until now came by the 5316206 phone line), when the cause was
  // found and what the customer was told, the department negotiating, the team a staff complaint
  // is about.
  `
  ALTER TABLE tickets ADD COLUMN channel TEXT CHECK (channel IN ('phone', 'walk_in', 'visit', 'letter', 'hotline_12345', 'online'));
  UPDATE tickets SET channel = 'phone' WHERE source = 'hotline';
  ALTER TABLE tickets ADD COLUMN diagnosed_at INTEGER;
  ALTER TABLE tickets ADD COLUMN explanation TEXT;
  ALTER TABLE tickets ADD COLUMN negotiating_with TEXT;
  ALTER TABLE tickets ADD COLUMN accused_team TEXT;
  `,
  // 15: a substation's make-up water (m³/h): a leak shows there first (issue 17).
  `
  ALTER TABLE readings_substation ADD COLUMN "makeupFlow" REAL;
  `,
];

/** HeatWatch's main file: registry, users, sessions, embedded telemetry. */
export function openDatabase(dataDir: string): Db {
  const db = openSqliteFile(dataDir, 'heatwatch.db');
  migrate(db);
  return db;
}

/** Any SQLite file of HeatWatch's, with the same durability settings. */
export function openSqliteFile(dataDir: string, fileName: string): Db {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, fileName);
  // Password hashes, sessions and sealed secrets: readable by HeatWatch's user only. SQLite
  // gives the -wal and -shm files the main file's mode.
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  fs.chmodSync(file, 0o600);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // NORMAL is durable across a process kill in WAL mode (only power loss can undo the last commits).
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -65536');
  immediateTransactions(db);
  return db;
}

/**
 * Every `db.transaction(fn)` begins IMMEDIATE: it takes the write lock at BEGIN, waiting on the
 * busy timeout while another connection writes. The readings are written by a connection of
 * their own on another thread (telemetry-writer.ts); a deferred transaction that read first
 * and then wrote would fail with SQLITE_BUSY (no waiting helps a snapshot that is out of date)
 * whenever readings were committed in between — a ticket step refused under load.
 */
function immediateTransactions(db: Db): void {
  const deferred = db.transaction.bind(db);
  db.transaction = ((fn) => {
    const t = deferred(fn);
    return Object.assign((...args: Parameters<typeof t.immediate>) => t.immediate(...args), { default: t.immediate, deferred: t.deferred, immediate: t.immediate, exclusive: t.exclusive, database: db });
  }) as Db['transaction'];
}

function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

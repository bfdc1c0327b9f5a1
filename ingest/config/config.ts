/**
 * Configuration from the environment (DESIGN.md §5), parsed once with zod at start. Defaults
 * live here and nowhere else; every bad value is reported together, then start-up stops.
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { MAP_PRESETS, resolveMapConfig, type MapConfig } from '../contracts/map-config.ts';
import { passwordProblems } from '../core/accounts/password-policy.ts';
import { AppError } from '../errors.ts';

/** Shipped with HeatWatch; an admin may point HEATWATCH_WORKDAYS_FILE at an updated copy. */
const DEFAULT_WORKDAYS_FILE = fileURLToPath(new URL('../core/calendar/cn-workdays.json', import.meta.url));

const port = z.coerce.number({ error: 'a port number 0–65535 (0 picks a free port)' }).int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const optionalText = z.string().optional();
const mqttUrl = z
  .string()
  .url()
  .refine((v) => /^(mqtts?|wss?|tcp):\/\//.test(v), 'must start with mqtt://, mqtts://, ws:// or wss://');

const envSchema = z.object({
  HEATWATCH_HTTP_PORT: port.default(8080),
  HEATWATCH_HTTP_HOST: z.string().min(1).default('0.0.0.0'),
  // Behind a reverse proxy: whose X-Forwarded-For to believe (Fastify trustProxy).
  HEATWATCH_TRUST_PROXY: z
    .string()
    .refine((v) => /^(true|false|\d+|[0-9a-fA-F.:/]+(,\s*[0-9a-fA-F.:/]+)*)$/.test(v), 'true, false, a hop count, or proxy addresses/CIDRs separated by commas')
    .default('false'),
  HEATWATCH_HTTP_CONNECTIONS_PER_ADDRESS: positiveInt.max(100_000).default(256),
  // Sign-ins one client address may attempt per minute; a call centre behind one NAT address at shift change wants more.
  HEATWATCH_LOGINS_PER_MINUTE: positiveInt.max(10_000).default(20),
  // Several nodes: socket.io events through Redis pub/sub (issue 18); the key separates HeatWatches on one Redis.
  HEATWATCH_REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'a redis:// or rediss:// URL' }).optional(),
  HEATWATCH_REDIS_KEY: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'letters, digits, _ . : -').default('heatwatch'),
  // An external broker (EMQX) asks POST /api/broker/authenticate with this bearer token whether a device may connect.
  HEATWATCH_BROKER_AUTH_TOKEN: optionalText.refine((v) => v === undefined || v.length >= 32, 'at least 32 characters'),
  HEATWATCH_METRICS_TOKEN: optionalText.refine((v) => v === undefined || v.length >= 16, 'at least 16 characters'),
  HEATWATCH_MQTT_PORT: port.default(1883),
  HEATWATCH_MQTT_HOST: z.string().min(1).default('0.0.0.0'),
  HEATWATCH_DATA_DIR: z.string().min(1).default('./data'),
  // Several nodes: the relational data in PostgreSQL (issue 18); the embedded SQLite file without it.
  HEATWATCH_DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'a postgres:// or postgresql:// URL' }).optional(),
  HEATWATCH_ADMIN_PASSWORD: optionalText.superRefine((v, ctx) => {
    // The admin's password meets the same policy as everyone's.
    for (const problem of v === undefined ? [] : passwordProblems(v, 'admin')) ctx.addIssue({ code: 'custom', message: `must be ${problem}` });
  }),
  HEATWATCH_MQTT_URL: mqttUrl.optional(),
  HEATWATCH_MQTT_USERNAME: optionalText,
  HEATWATCH_MQTT_PASSWORD: optionalText,
  HEATWATCH_MQTT_PROTOCOL_VERSION: z.enum(['4', '5']).default('5').transform(Number).pipe(z.union([z.literal(4), z.literal(5)])),
  // Each node its own: default heatwatch-ingest, or heatwatch-<host name> with PostgreSQL (several nodes).
  HEATWATCH_MQTT_CLIENT_ID: z.string().min(1).max(128).optional(),
  // Several nodes share the readings out through this MQTT 5 shared-subscription group (with PostgreSQL).
  HEATWATCH_MQTT_SHARE_GROUP: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ -').default('heatwatch'),
  HEATWATCH_INGEST_MQTT_PASSWORD: optionalText.refine(
    (v) => v === undefined || v.length >= 16,
    'must be at least 16 characters',
  ),
  HEATWATCH_INFLUX_URL: z.string().url().refine((v) => /^https?:\/\//.test(v), 'must start with http:// or https://').optional(),
  HEATWATCH_INFLUX_DB: z.string().min(1).max(200).default('heatwatch'),
  HEATWATCH_INFLUX_TOKEN: optionalText,
  HEATWATCH_INFLUX_USERNAME: optionalText,
  HEATWATCH_INFLUX_PASSWORD: optionalText,
  HEATWATCH_INFLUX_OUTBOX: z.enum(['on', 'off']).default('on'),
  HEATWATCH_OUTBOX_MAX_READINGS: positiveInt.default(20_000_000),
  HEATWATCH_OUTBOX_ALARM_READINGS: positiveInt.default(1_000_000),
  HEATWATCH_RULES_FILE: optionalText,
  // The city's daily mean outdoor temperature: an HTTP endpoint (?date=YYYY-MM-DD → {meanC}) or a JSON file {date: meanC}.
  HEATWATCH_WEATHER_URL: z.url({ protocol: /^https?$/, error: 'an http(s) URL' }).optional(),
  HEATWATCH_WEATHER_FILE: optionalText,
  HEATWATCH_WORKDAYS_FILE: optionalText,
  HEATWATCH_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HEATWATCH_TOKEN_TTL_HOURS: positiveInt.max(24 * 30).default(12),
  HEATWATCH_PUBLIC_URL: z.url().refine((v) => /^https?:\/\//.test(v), 'an http(s) URL, e.g. https://heatwatch.example.cn').optional(),
  HEATWATCH_ACK_LINK_SECRET: optionalText.refine((v) => v === undefined || v.length >= 32, 'at least 32 characters'),
  HEATWATCH_SECRETS_KEY: optionalText.refine((v) => v === undefined || v.length >= 32, 'at least 32 characters'),
  // At least 8 days: readings up to 7 days late are accepted and must still find their raw hour.
  HEATWATCH_RAW_RETENTION_DAYS: positiveInt.min(8).max(3650).default(90),
  HEATWATCH_AGGREGATE_RETENTION_DAYS: positiveInt.max(36500).default(3650),
  HEATWATCH_DEVICE_MSG_RATE: z.coerce.number().positive().default(20),
  HEATWATCH_DEVICE_MSG_BURST: positiveInt.default(500),
  HEATWATCH_WRITE_BATCH: positiveInt.max(50_000).default(5000),
  HEATWATCH_WRITE_DELAY_MS: z.coerce.number().int().min(0).max(1000).default(0),
  HEATWATCH_LIVE_INTERVAL_MS: z.coerce.number().int().min(10).max(5000).default(50),
  HEATWATCH_MAP_TILES: z
    .string()
    .refine((v) => (MAP_PRESETS as readonly string[]).includes(v) || /^https?:\/\/.*\{z\}.*/.test(v), `one of ${MAP_PRESETS.join(', ')}, or an http(s) XYZ URL with {z}, {x} and {y}`)
    .default('none'),
  HEATWATCH_MAP_TILES_KEY: optionalText,
  HEATWATCH_MAP_TILES_COORDS: z.enum(['wgs84', 'gcj02']).default('wgs84'),
});

export interface Config {
  http: {
    port: number;
    host: string;
    /** Fastify `trustProxy`: false, true, a hop count, or the proxies' addresses. */
    trustProxy: boolean | number | string[];
    /** Open connections one address may hold (not applied behind a trusted proxy). */
    connectionsPerAddress: number;
    /** Sign-in attempts one client address may make per minute (the accounts' lockout still applies). */
    loginsPerMinute: number;
    /** Bearer token for /metrics; without it /metrics answers loopback addresses only. */
    metricsToken?: string;
    /** POST /api/broker/authenticate answers an external broker holding it (HEATWATCH_BROKER_AUTH_TOKEN); absent: no such route. */
    brokerAuthToken?: string;
    /** Live events across nodes through Redis (`HEATWATCH_REDIS_URL`). */
    redis?: { url: string; key: string };
  };
  mqtt: {
    /** Embedded aedes listener (ignored when `externalUrl` is set). */
    port: number;
    host: string;
    /** Consume from an external broker (Mosquitto, EMQX, a standalone HeatWatch broker). */
    externalUrl?: string;
    username?: string;
    password?: string;
    clientId: string;
    /** With PostgreSQL: `$share/<group>/…`, each reading to one node of the group. */
    shareGroup?: string;
    /** 5 holds PUBACKs until durable; 4 for brokers without MQTT 5 (a standalone HeatWatch broker). */
    protocolVersion: 4 | 5;
    /** Password of the `heatwatch-ingest` service account on a standalone HeatWatch broker. */
    ingestPassword?: string;
  };
  dataDir: string;
  /** PostgreSQL for devices, users, tickets, alerts, households, stops, visits (`HEATWATCH_DATABASE_URL`); SQLite in `dataDir` without it. */
  databaseUrl?: string;
  /** Telemetry in InfluxDB (through the durable outbox) instead of SQLite. */
  influx?: { url: string; db: string; token?: string; username?: string; password?: string };
  /** `enabled: false` acknowledges only after InfluxDB answered (no disk buffer): for comparison. */
  /** Rules and thresholds (JSON, validated; reloaded when it changes). Defaults when unset. */
  rulesFile?: string;
  /** The city's daily mean outdoor temperature, for the design-temperature exemption (services/weather-source.ts). */
  weather: { url?: string; file?: string };
  /** Chinese working-day calendar (holidays, make-up workdays) for callback deadlines. */
  workdaysFile: string;
  outbox: { enabled: boolean; maxReadings: number; alarmReadings: number };
  adminPassword?: string;
  logLevel: z.infer<typeof envSchema>['HEATWATCH_LOG_LEVEL'];
  tokenTtlMs: number;
  retention: { rawDays: number; aggregateDays: number };
  deviceRate: { perSecond: number; burst: number };
  write: { maxBatch: number; maxDelayMs: number };
  liveIntervalMs: number;
  /** The dashboard's base map: tiles and the datum they are drawn in. */
  map: MapConfig;
  /** Where people reach this HeatWatch: links in notifications. Default: the listening address. */
  publicUrl?: string;
  /** Signs the acknowledge links in notifications; default: a key kept in the data dir. */
  ackLinkSecret?: string;
  /** Encrypts channel secrets at rest; default: a key file kept in the data dir (0600). */
  secretsKey?: string;
}

/** Rules between variables, checked even when other variables are bad so every problem shows at once. */
function crossChecks(given: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  const raw = Number(given.HEATWATCH_RAW_RETENTION_DAYS ?? 90);
  const aggregate = Number(given.HEATWATCH_AGGREGATE_RETENTION_DAYS ?? 3650);
  if (aggregate < raw) {
    problems.push(`HEATWATCH_AGGREGATE_RETENTION_DAYS=${JSON.stringify(String(aggregate))}: must not be shorter than HEATWATCH_RAW_RETENTION_DAYS (${raw})`);
  }
  if (given.HEATWATCH_INFLUX_TOKEN !== undefined && given.HEATWATCH_INFLUX_USERNAME !== undefined) {
    problems.push('HEATWATCH_INFLUX_TOKEN: set a token (InfluxDB 2.x/3.x) or HEATWATCH_INFLUX_USERNAME/_PASSWORD (1.x), not both');
  }
  if (given.HEATWATCH_INFLUX_PASSWORD !== undefined && given.HEATWATCH_INFLUX_USERNAME === undefined) {
    problems.push('HEATWATCH_INFLUX_PASSWORD: needs HEATWATCH_INFLUX_USERNAME');
  }
  for (const v of ['HEATWATCH_INFLUX_TOKEN', 'HEATWATCH_INFLUX_USERNAME', 'HEATWATCH_INFLUX_DB']) {
    if (given[v] !== undefined && given.HEATWATCH_INFLUX_URL === undefined) problems.push(`${v}: only used with HEATWATCH_INFLUX_URL`);
  }
  if (given.HEATWATCH_MAP_TILES === 'tianditu' && !given.HEATWATCH_MAP_TILES_KEY) {
    problems.push('HEATWATCH_MAP_TILES_KEY: Tianditu tiles need a key (tk) from https://console.tianditu.gov.cn');
  }
  if (Number(given.HEATWATCH_OUTBOX_ALARM_READINGS ?? 1_000_000) > Number(given.HEATWATCH_OUTBOX_MAX_READINGS ?? 20_000_000)) {
    problems.push('HEATWATCH_OUTBOX_ALARM_READINGS: must not be above HEATWATCH_OUTBOX_MAX_READINGS');
  }
  if (given.HEATWATCH_MQTT_USERNAME !== undefined && given.HEATWATCH_MQTT_URL === undefined) {
    problems.push('HEATWATCH_MQTT_USERNAME: only used with HEATWATCH_MQTT_URL (an external broker)');
  }
  return problems;
}

export class ConfigError extends AppError {
  constructor(readonly problems: string[]) {
    super('HW_CONFIG_INVALID', `invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

/** Parses the environment; throws ConfigError listing every problem at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable means "not set" (compose files and shells produce them), never port 0.
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = envSchema.safeParse(given);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((i) => `${i.path.join('.')}=${JSON.stringify(given[String(i.path[0])] ?? '')}: ${i.message}`);
  problems.push(...crossChecks(given));
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return Object.freeze({
    http: {
      port: e.HEATWATCH_HTTP_PORT,
      host: e.HEATWATCH_HTTP_HOST,
      trustProxy: parseTrustProxy(e.HEATWATCH_TRUST_PROXY),
      connectionsPerAddress: e.HEATWATCH_HTTP_CONNECTIONS_PER_ADDRESS,
      loginsPerMinute: e.HEATWATCH_LOGINS_PER_MINUTE,
      metricsToken: e.HEATWATCH_METRICS_TOKEN,
      ...(e.HEATWATCH_BROKER_AUTH_TOKEN ? { brokerAuthToken: e.HEATWATCH_BROKER_AUTH_TOKEN } : {}),
      ...(e.HEATWATCH_REDIS_URL ? { redis: { url: e.HEATWATCH_REDIS_URL, key: e.HEATWATCH_REDIS_KEY } } : {}),
    },
    mqtt: {
      port: e.HEATWATCH_MQTT_PORT,
      host: e.HEATWATCH_MQTT_HOST,
      externalUrl: e.HEATWATCH_MQTT_URL,
      username: e.HEATWATCH_MQTT_USERNAME,
      password: e.HEATWATCH_MQTT_PASSWORD,
      clientId: e.HEATWATCH_MQTT_CLIENT_ID ?? (e.HEATWATCH_DATABASE_URL ? `heatwatch-${os.hostname()}` : 'heatwatch-ingest'),
      ...(e.HEATWATCH_DATABASE_URL ? { shareGroup: e.HEATWATCH_MQTT_SHARE_GROUP } : {}),
      protocolVersion: e.HEATWATCH_MQTT_PROTOCOL_VERSION,
      ingestPassword: e.HEATWATCH_INGEST_MQTT_PASSWORD,
    },
    dataDir: path.resolve(e.HEATWATCH_DATA_DIR),
    ...(e.HEATWATCH_DATABASE_URL ? { databaseUrl: e.HEATWATCH_DATABASE_URL } : {}),
    influx: e.HEATWATCH_INFLUX_URL
      ? {
          url: e.HEATWATCH_INFLUX_URL,
          db: e.HEATWATCH_INFLUX_DB,
          token: e.HEATWATCH_INFLUX_TOKEN,
          username: e.HEATWATCH_INFLUX_USERNAME,
          password: e.HEATWATCH_INFLUX_PASSWORD,
        }
      : undefined,
    rulesFile: e.HEATWATCH_RULES_FILE ? path.resolve(e.HEATWATCH_RULES_FILE) : undefined,
    weather: { ...(e.HEATWATCH_WEATHER_URL ? { url: e.HEATWATCH_WEATHER_URL } : {}), ...(e.HEATWATCH_WEATHER_FILE ? { file: path.resolve(e.HEATWATCH_WEATHER_FILE) } : {}) },
    workdaysFile: path.resolve(e.HEATWATCH_WORKDAYS_FILE ?? DEFAULT_WORKDAYS_FILE),
    outbox: { enabled: e.HEATWATCH_INFLUX_OUTBOX === 'on', maxReadings: e.HEATWATCH_OUTBOX_MAX_READINGS, alarmReadings: e.HEATWATCH_OUTBOX_ALARM_READINGS },
    adminPassword: e.HEATWATCH_ADMIN_PASSWORD,
    logLevel: e.HEATWATCH_LOG_LEVEL,
    tokenTtlMs: e.HEATWATCH_TOKEN_TTL_HOURS * 3_600_000,
    retention: { rawDays: e.HEATWATCH_RAW_RETENTION_DAYS, aggregateDays: e.HEATWATCH_AGGREGATE_RETENTION_DAYS },
    deviceRate: { perSecond: e.HEATWATCH_DEVICE_MSG_RATE, burst: e.HEATWATCH_DEVICE_MSG_BURST },
    write: { maxBatch: e.HEATWATCH_WRITE_BATCH, maxDelayMs: e.HEATWATCH_WRITE_DELAY_MS },
    liveIntervalMs: e.HEATWATCH_LIVE_INTERVAL_MS,
    publicUrl: e.HEATWATCH_PUBLIC_URL,
    ackLinkSecret: e.HEATWATCH_ACK_LINK_SECRET,
    secretsKey: e.HEATWATCH_SECRETS_KEY,
    map: resolveMapConfig(e.HEATWATCH_MAP_TILES, e.HEATWATCH_MAP_TILES_KEY, e.HEATWATCH_MAP_TILES_COORDS),
  });
}

function parseTrustProxy(v: string): boolean | number | string[] {
  if (v === 'true' || v === 'false') return v === 'true';
  if (/^\d+$/.test(v)) return Number(v);
  return v.split(',').map((s) => s.trim());
}

/** For entry points: the configuration, or every problem on stderr and exit code 2. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(2);
  }
}

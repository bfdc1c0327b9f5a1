/**
 * `npm run sim -- …`: runs a simulated fleet against a HeatWatch until Ctrl-C or --duration.
 * Exit codes: 0 done, 1 the run failed (server unreachable, login refused), 2 bad flags.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CredentialsFileError, openCredentialsCache } from './credentials-cache.ts';
import { DEVICE_PREFIX } from './fleet.ts';
import { FleetOptionsError, runFleet, type FleetOptions } from './fleet-runner.ts';
import { ProvisionError } from './provision.ts';
import { isScenarioName, SCENARIO_DESCRIPTIONS, SCENARIO_NAMES } from './scenarios.ts';

const DEFAULT_CREDENTIALS = path.join(process.env.HEATWATCH_DATA_DIR ?? './data', 'sim-credentials.json');

const USAGE = `Usage: npm run sim -- [options]

Simulates substations and room sensors around Zoucheng and publishes their readings to a
running HeatWatch. Devices are provisioned through the HTTP API first; their MQTT secrets are
kept in a credentials file so that a re-run reconnects the same devices. The admin password
comes from $HEATWATCH_ADMIN_PASSWORD, or is asked for (never on the command line, where
\`ps\` would show it).

Options:
  --rooms N           room sensors (default 100)
  --substations M     substations; rooms are shared out among them (default 5)
  --speed X           sim seconds per real second (default 1). Faster than 1× starts a day
                      back and catches up with now, then runs at 1×: sim time never runs
                      ahead of the wall clock
  --scenario NAME     what goes wrong (default normal), one of:
${SCENARIO_NAMES.map((n) => `                        ${n.padEnd(16)} ${SCENARIO_DESCRIPTIONS[n]}`).join('\n')}
  --seed S            whole number; the same seed, start and scenario give the same readings
                      (default 1)
  --start ISO         sim start, e.g. 2026-01-10T06:00:00+08:00 (no offset = Asia/Shanghai);
                      within the last 7 days (default: now, or 24 h ago when --speed > 1)
  --duration D        stop after this much real time: 90s, 10m, 2h (default: until Ctrl-C)
  --url URL           the HeatWatch to simulate for (default http://localhost:8080)
  --mqtt URL          MQTT broker (default: the one that HeatWatch says its devices use)
  --prefix P          put before every device id, e.g. P-SS-001 (letters, digits, _; default:
                      a tag made on the first run and kept in the credentials file, so this
                      fleet never takes over another fleet's devices, e.g. the demo's)
  --user NAME         admin user that provisions devices (default admin)
  --credentials FILE  device secrets kept between runs
                      (default $HEATWATCH_DATA_DIR/sim-credentials.json = ${DEFAULT_CREDENTIALS})
  --help              this text

Example: npm run sim -- --url http://localhost:8080 --rooms 2000 --substations 20 --speed 60 --scenario substation-trip --seed 7`;

class UsageError extends Error {}

function wholeNumber(flag: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!/^-?\d+$/.test(value) || Number(value) < min) throw new UsageError(`--${flag} must be a whole number ≥ ${min}, got "${value}"`);
  return Number(value);
}

function positiveNumber(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new UsageError(`--${flag} must be a number > 0, got "${value}"`);
  return n;
}

function parseDuration(value: string | undefined): number | null {
  if (value === undefined) return null;
  const m = /^(\d+(?:\.\d+)?)(s|m|h|d)?$/.exec(value);
  if (!m || Number(m[1]) <= 0) throw new UsageError(`--duration must look like 90s, 10m or 2h, got "${value}"`);
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
}

function parseStart(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  // A bare local time means Zoucheng's, not this machine's.
  const local = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00` : value;
  const withOffset = /(Z|[+-]\d{2}:?\d{2})$/.test(local) ? local : `${local}+08:00`;
  const ms = Date.parse(withOffset);
  if (Number.isNaN(ms)) throw new UsageError(`--start must be an ISO 8601 time like 2026-01-10T06:00:00+08:00, got "${value}"`);
  return ms;
}

type ParsedCli = { options: Omit<FleetOptions, 'password' | 'prefix'>; prefix: string | undefined; durationMs: number | null };

function parseCli(argv: string[]): ParsedCli | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      rooms: { type: 'string' },
      substations: { type: 'string' },
      speed: { type: 'string' },
      scenario: { type: 'string' },
      seed: { type: 'string' },
      start: { type: 'string' },
      duration: { type: 'string' },
      url: { type: 'string' },
      mqtt: { type: 'string' },
      prefix: { type: 'string' },
      user: { type: 'string' },
      password: { type: 'string' },
      credentials: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return 'help';
  const scenario = values.scenario ?? 'normal';
  if (!isScenarioName(scenario)) throw new UsageError(`unknown scenario "${scenario}"; choose one of ${SCENARIO_NAMES.join(', ')}`);
  if (values.password !== undefined) throw new UsageError('--password is not taken: any user of this machine could read it in `ps`. Set HEATWATCH_ADMIN_PASSWORD, or type it when asked');
  if (values.prefix !== undefined && !DEVICE_PREFIX.test(values.prefix)) throw new UsageError(`--prefix must be 1–16 letters, digits or _, got "${values.prefix}"`);
  for (const [flag, url, schemes] of [['url', values.url, /^https?:$/], ['mqtt', values.mqtt, /^(mqtts?|wss?|tcp):$/]] as const) {
    if (url !== undefined && !(URL.canParse(url) && schemes.test(new URL(url).protocol))) throw new UsageError(`--${flag} is not a valid URL: "${url}"`);
  }
  return {
    durationMs: parseDuration(values.duration),
    prefix: values.prefix,
    options: {
      apiUrl: values.url ?? 'http://localhost:8080',
      mqttUrl: values.mqtt,
      username: values.user ?? 'admin',
      rooms: wholeNumber('rooms', values.rooms, 100, 0),
      substations: wholeNumber('substations', values.substations, 5, 0),
      speed: positiveNumber('speed', values.speed, 1),
      scenario,
      seed: wholeNumber('seed', values.seed, 1, -(2 ** 31)),
      start: parseStart(values.start),
      credentialsFile: values.credentials ?? DEFAULT_CREDENTIALS,
    },
  };
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseCli(process.argv.slice(2));
  } catch (err) {
    // parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes for unknown or malformed flags.
    const known = err instanceof UsageError || String((err as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
    if (!known) throw err;
    console.error(`sim: ${(err as Error).message}\nRun with --help for the options.`);
    return 2;
  }
  if (parsed === 'help') {
    console.log(USAGE);
    return 0;
  }
  const log = (line: string) => console.log(line);
  let fleet;
  try {
    const password = process.env.HEATWATCH_ADMIN_PASSWORD || (await askPassword(`password of ${parsed.options.username} at ${parsed.options.apiUrl}: `));
    if (!password) {
      console.error('sim: no admin password: set HEATWATCH_ADMIN_PASSWORD (or run in a terminal to be asked)');
      return 2;
    }
    const prefix = parsed.prefix ?? (await openCredentialsCache(parsed.options.credentialsFile ?? null)).prefix ?? `s${randomBytes(3).toString('hex').slice(0, 4)}`;
    fleet = await runFleet({ ...parsed.options, password, prefix, log });
  } catch (err) {
    if (err instanceof FleetOptionsError || err instanceof RangeError) {
      console.error(`sim: ${err.message}`);
      return 2;
    }
    if (err instanceof ProvisionError || err instanceof CredentialsFileError) {
      console.error(`sim: ${err.message}`);
      return 1;
    }
    throw err;
  }
  await new Promise<void>((resolve) => {
    const timer = parsed.durationMs === null ? undefined : setTimeout(resolve, parsed.durationMs);
    process.once('SIGINT', () => (clearTimeout(timer), resolve()));
    process.once('SIGTERM', () => (clearTimeout(timer), resolve()));
    // Said only once Ctrl-C is ours: from here on it stops the fleet cleanly.
    log(`running ${fleet.devices} devices${parsed.durationMs ? ` for ${parsed.durationMs / 1000} s` : ''}; Ctrl-C stops`);
  });
  // A second Ctrl-C while closing 10 000 connections means "now".
  process.once('SIGINT', () => process.exit(130));
  log('stopping: sending what is queued, then a retained offline for every device');
  await fleet.stop();
  return 0;
}

/** Reads a password from the terminal without echoing it; '' when there is no terminal. */
function askPassword(question: string): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) return Promise.resolve('');
  process.stdout.write(question);
  return new Promise((resolve) => {
    let typed = '';
    input.setRawMode(true);
    input.setEncoding('utf8');
    input.resume();
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          input.setRawMode(false);
          input.pause();
          input.off('data', onData);
          process.stdout.write('\n');
          resolve(typed);
          return;
        }
        if (ch === '\u0003') process.exit(130); // Ctrl-C
        typed = ch === '\u007f' || ch === '\b' ? typed.slice(0, -1) : typed + ch;
      }
    };
    input.on('data', onData);
  });
}

process.exitCode = await main();

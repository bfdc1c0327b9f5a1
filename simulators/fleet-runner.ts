/**
 * Runs a simulated fleet against a HeatWatch: builds the fleet and its scenario, provisions the
 * devices over HTTP, opens one MQTT connection per device (50 at a time, so 10 000 devices can
 * connect), then advances the world on the sim clock and hands each reading to its device.
 */
import type { NewDevice } from '../ingest/contracts/devices.ts';
import type { DeviceKind } from '../ingest/contracts/topics.ts';
import { openCredentialsCache } from './credentials-cache.ts';
import { createDeviceLink, type DeviceLink, type LinkStats } from './device-link.ts';
import { buildFleet } from './fleet.ts';
import { askBrokerUrl, login, ProvisionError, provisionFleet } from './provision.ts';
import { planScenario, type ScenarioName } from './scenarios.ts';
import { formatBeijing, HOUR_MS } from '../ingest/contracts/beijing-time.ts';
import { checkStart, defaultStart, simNow, type SimClock } from './sim-clock.ts';
import { createWorld } from './world.ts';

export interface FleetOptions {
  apiUrl: string;
  /** The broker to publish to; without it, the one HeatWatch at `apiUrl` says its devices use. */
  mqttUrl?: string;
  username: string;
  password: string;
  rooms: number;
  substations: number;
  speed: number;
  scenario: ScenarioName;
  seed: number;
  /** Before every device id, so this fleet never shares a device with another (none by default). */
  prefix?: string;
  /** Sim time to begin at (epoch ms); default now, or 24 h ago when speed > 1. */
  start?: number;
  /**
   * Sim time to end at (epoch ms, after `start`, not after now): the fleet stops simulating there
   * and `finished` resolves once every reading up to it is published (a history backfill).
   */
  until?: number;
  /** Where device secrets are kept between runs; without it they live in memory only. */
  credentialsFile?: string;
  log?: (line: string) => void;
}

export interface RunningFleet {
  devices: number;
  /** With `until`: resolves once sim time reached it and every device's backlog is published. Otherwise never. */
  finished: Promise<void>;
  stop(): Promise<void>;
}

const CONNECT_WAVE = 50;
const CONNECT_TIMEOUT_MS = 30_000;
const TICK_MS = 200;
/** Cap on sim time per tick, so a huge speed cannot stall the event loop on 10 000 rooms. */
const MAX_SIM_PER_TICK_MS = HOUR_MS;
const STATUS_EVERY_MS = 30_000;
/** Least real time between two messages of a device: in a fast replay a room uploads its backlog every 5 s, as real loggers batch; substations report 4× a second at most. */
const MIN_GAP_MS: Record<DeviceKind, number> = { room: 5000, substation: 250 };

export class FleetOptionsError extends Error {
  override readonly name = 'FleetOptionsError';
}

function checkOptions(o: FleetOptions, start: number, now: number): void {
  const problems: string[] = [];
  if (!Number.isInteger(o.rooms) || o.rooms < 0) problems.push('rooms must be a whole number ≥ 0');
  if (!Number.isInteger(o.substations) || o.substations < 0) problems.push('substations must be a whole number ≥ 0');
  if (o.rooms > 0 && o.substations === 0) problems.push('rooms need at least one substation to feed them');
  if (!(o.speed > 0) || !Number.isFinite(o.speed)) problems.push('speed must be a number > 0');
  if (!Number.isInteger(o.seed)) problems.push('seed must be a whole number');
  const startProblem = checkStart(start, now);
  if (startProblem) problems.push(startProblem);
  if (o.until !== undefined && !(o.until > start && o.until <= now)) problems.push('until must be after the start and not after now');
  if (problems.length > 0) throw new FleetOptionsError(problems.join('; '));
}

async function withTimeout(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/** Opens links in waves; reports every 10 %. */
async function connectAll(links: DeviceLink[], log: (line: string) => void): Promise<void> {
  let nextReport = 0.1;
  for (let i = 0; i < links.length; i += CONNECT_WAVE) {
    await Promise.all(links.slice(i, i + CONNECT_WAVE).map((l) => l.connect(CONNECT_TIMEOUT_MS)));
    const done = Math.min(links.length, i + CONNECT_WAVE);
    if (done / links.length + 1e-9 >= nextReport || done === links.length) {
      while (nextReport <= done / links.length + 1e-9) nextReport += 0.1;
      const up = links.filter((l) => l.state === 'connected').length;
      log(`connecting: ${done}/${links.length} (${Math.round((100 * done) / links.length)} %) — ${up} connected`);
    }
  }
  const refused = links.filter((l) => l.state === 'refused').map((l) => l.id);
  if (refused.length > 0) {
    log(`${refused.length} devices were refused by the broker (wrong secret?): ${refused.slice(0, 10).join(', ')}${refused.length > 10 ? ' …' : ''}`);
    log('  a stale credentials file after the server\'s data was reset causes this: delete the file and the devices, then run again');
  }
  const pending = links.filter((l) => l.state !== 'connected' && l.state !== 'refused').length;
  if (pending > 0) log(`${pending} devices are not connected yet; they keep retrying and send their backlog once in`);
}

export async function runFleet(o: FleetOptions): Promise<RunningFleet> {
  const log = o.log ?? ((line: string) => console.log(line));
  checkOptions(o, o.start ?? defaultStart(Date.now(), o.speed), Date.now());
  const fleet = buildFleet({ rooms: o.rooms, substations: o.substations, seed: o.seed, prefix: o.prefix });
  // Planned once now so that an impossible scenario fails before anything is provisioned.
  planScenario(o.scenario, fleet, o.seed, Date.now());
  log(`fleet: ${o.substations} substations, ${o.rooms} rooms${o.prefix ? ` (ids ${o.prefix}-…)` : ''}; scenario ${o.scenario}, seed ${o.seed}, speed ${o.speed}×`);

  const cache = await openCredentialsCache(o.credentialsFile ?? null);
  if (o.prefix) cache.prefix = o.prefix;
  if (cache.file === null) log('no credentials file: device secrets are not kept, so a re-run cannot reconnect these devices');
  const devices: NewDevice[] = [...fleet.substations.map((s) => s.device), ...fleet.rooms.map((r) => r.device)];
  const provisioned = await provisionFleet({ apiUrl: o.apiUrl, username: o.username, password: o.password, devices, cache, log });
  log(`provisioned: ${provisioned.created} new, ${provisioned.reused} reused from ${cache.file ?? 'memory'}, ${provisioned.skipped.length} skipped`);
  for (const s of provisioned.skipped.slice(0, 10)) log(`  skipped ${s.id}: ${s.reason}`);
  if (provisioned.skipped.length > 10) log(`  … and ${provisioned.skipped.length - 10} more skipped`);
  if (provisioned.skipped.some((s) => s.reason.startsWith('exists'))) {
    log('  a secret is shown once, to whoever created the device: restore that credentials file, or use a fresh HeatWatch data dir');
  }

  const mqttUrl = o.mqttUrl ?? (await askBrokerUrl(await login(o)));
  const stats: LinkStats = { readings: 0, messages: 0, failed: 0, dropped: 0 };
  const linkFor = (kind: DeviceKind, id: string): DeviceLink | null => {
    const password = provisioned.credentials.get(id);
    return password === undefined ? null : createDeviceLink({ mqttUrl, kind, id, password, minGapMs: MIN_GAP_MS[kind], stats });
  };
  const links = {
    substation: fleet.substations.map((s) => linkFor('substation', s.device.id)),
    room: fleet.rooms.map((r) => linkFor('room', r.device.id)),
  };
  const all = [...links.substation, ...links.room].filter((l): l is DeviceLink => l !== null);
  if (all.length === 0 && devices.length > 0) throw new ProvisionError('no device of this fleet can be simulated: every one was skipped');
  log(`connecting ${all.length} devices to ${mqttUrl}`);
  await connectAll(all, log);

  // The default start is taken now, not before provisioning: minutes spent connecting 10 000
  // devices would otherwise leave a 1× run behind the wall clock for good.
  const start = o.start ?? defaultStart(Date.now(), o.speed);
  log(`sim start ${formatBeijing(start)}; warming up the model on the simulated day before it`);
  const plan = planScenario(o.scenario, fleet, o.seed, start);
  const world = createWorld({ fleet, plan, seed: o.seed, start });
  const clock: SimClock = { start, realStart: Date.now(), speed: o.speed };
  const events = [...plan.events].sort((a, b) => a.at - b.at);
  let lastStatus = performance.now();
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const tick = () => {
    const target = Math.min(simNow(clock, Date.now()), o.until ?? Number.POSITIVE_INFINITY);
    world.advanceTo(Math.min(target, world.time + MAX_SIM_PER_TICK_MS), (kind, index, emission) => links[kind][index]?.enqueue(emission));
    while (events.length > 0 && events[0]!.at <= world.time) log(events.shift()!.line);
    const realNow = performance.now();
    for (const link of all) link.flush(realNow);
    if (o.until !== undefined && world.time >= o.until && all.every((l) => l.backlog === 0)) finish();
    if (realNow - lastStatus >= STATUS_EVERY_MS) {
      lastStatus = realNow;
      const up = all.filter((l) => l.state === 'connected').length;
      const backlog = all.reduce((n, l) => n + l.backlog, 0);
      const behind = Math.max(0, Date.now() - world.time);
      log(
        `sim ${formatBeijing(world.time)}${behind > 60_000 ? ` (${(behind / HOUR_MS).toFixed(1)} h behind now)` : ''}: ` +
          `${stats.readings} readings in ${stats.messages} messages, ${up}/${all.length} connected, backlog ${backlog}` +
          `${stats.failed ? `, ${stats.failed} publishes failed` : ''}${stats.dropped ? `, ${stats.dropped} dropped` : ''}`,
      );
    }
  };
  const timer = setInterval(tick, TICK_MS);
  let stopped: Promise<void> | null = null;

  return {
    devices: all.length,
    finished,
    stop() {
      stopped ??= (async () => {
        clearInterval(timer);
        for (let i = 0; i < all.length; i += 200) {
          // A broker that went away must not hold the shutdown hostage.
          await withTimeout(Promise.all(all.slice(i, i + 200).map((l) => l.close())), 10_000);
        }
        log(`stopped: ${stats.readings} readings sent in ${stats.messages} messages`);
      })();
      return stopped;
    },
  };
}

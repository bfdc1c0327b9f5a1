/**
 * HeatWatch as its own process (`node --import tsx ingest/main.ts`): for the tests that kill it
 * (SIGKILL cannot be simulated inside the test's own process), and for the bench, which measures
 * it from outside.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Node's options of `npm start` (package.json's start script, e.g. the young generation's size):
 * the compiled server is measured and tested as production runs it.
 */
export const START_NODE_ARGS: string[] = (() => {
  const start = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start.split(/\s+/);
  if (start[0] !== 'node' || start.at(-1) !== 'build/ingest/main.js') throw new Error(`package.json's start script is not "node [options] build/ingest/main.js": ${start.join(' ')}`);
  return start.slice(1, -1);
})();

export interface HeatWatchProcess {
  httpPort: number;
  /** Null when consuming from an external broker. */
  mqttPort: number | null;
  child: ChildProcess;
  /** What the process logged so far (stdout and stderr). */
  output(): string;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/**
 * `compiled`: the production build (`npm run build`: build/ingest/main.js, with `npm start`'s Node
 * options) rather than the sources through tsx. `nodeArgs`: given to Node before the script (the
 * bench's `--cpu-prof`).
 */
export async function spawnHeatWatch(env: Record<string, string>, { nodeArgs = [], compiled = false }: { nodeArgs?: string[]; compiled?: boolean } = {}): Promise<HeatWatchProcess> {
  const main = compiled ? [...START_NODE_ARGS, path.join(root, 'build/ingest/main.js')] : ['--import', 'tsx', path.join(root, 'ingest/main.ts')];
  const child = spawn(process.execPath, [...nodeArgs, ...main], {
    cwd: root,
    env: { ...process.env, HEATWATCH_HTTP_PORT: '0', HEATWATCH_MQTT_PORT: '0', HEATWATCH_HTTP_HOST: '127.0.0.1', HEATWATCH_MQTT_HOST: '127.0.0.1', HEATWATCH_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stderr!.on('data', (c: Buffer) => (log += c.toString()));
  const ports = await new Promise<{ httpPort: number; mqttPort: number | null }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`HeatWatch did not start within 20 s:\n${log.slice(-3000)}`)), 20_000);
    child.stdout!.on('data', (c: Buffer) => {
      log += c.toString();
      const m = /"httpPort":(\d+),"mqttPort":(\d+|null)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve({ httpPort: Number(m[1]), mqttPort: m[2] === 'null' ? null : Number(m[2]) });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`HeatWatch exited with ${code}:\n${log.slice(-3000)}`));
    });
  });
  return {
    ...ports,
    child,
    output: () => log,
    kill(signal) {
      // Already gone (an exit, or a signal such as an earlier SIGKILL): nothing to wait for.
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill(signal);
      return exited;
    },
  };
}

/** A process's resident memory, MB (Linux: /proc). */
export function residentMb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
}

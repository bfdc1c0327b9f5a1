/**
 * A PostgreSQL server of one's own (Debian's binaries, a temporary data directory, a free port):
 * for the tests that stop and start the database under running HeatWatch nodes — the machine's
 * server is shared with every other test file — and for the bench's cluster run. As root (CI)
 * it runs as the `postgres` user, since PostgreSQL refuses to run as root.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './local-influxd.ts';

export interface PrivatePostgres {
  url: string;
  stop(): void;
  start(): void;
  /** Stops it for good and removes its data. */
  remove(): void;
}

function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions.map((v) => path.join(root, v, 'bin')).find((d) => fs.existsSync(path.join(d, 'pg_ctl')));
  if (!found) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql)');
  return found;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = binDir();
  const asRoot = process.getuid?.() === 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heatwatch-pg-'));
  const data = path.join(dir, 'data');
  const port = await freePort();
  if (asRoot) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
  const run = (tool: string, args: string[]) =>
    asRoot ? execFileSync('runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args], { stdio: 'pipe' }) : execFileSync(path.join(bin, tool), args, { stdio: 'pipe' });
  run('initdb', ['-D', data, '-U', 'heatwatch', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
  const ctl = (action: 'start' | 'stop') =>
    run('pg_ctl', action === 'start' ? ['-D', data, '-w', '-t', '30', '-l', path.join(dir, 'log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`, 'start'] : ['-D', data, '-w', '-m', 'fast', 'stop']);
  ctl('start');
  let running = true;
  return {
    url: `postgres://heatwatch@127.0.0.1:${port}/postgres`,
    stop() {
      if (running) ctl('stop');
      running = false;
    },
    start() {
      if (!running) ctl('start');
      running = true;
    },
    remove() {
      if (running) ctl('stop');
      running = false;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

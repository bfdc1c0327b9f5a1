/**
 * Whether the dashboard's build (`dashboard/dist`) is missing or older than what it is built
 * from, and building it when so. `npm start` and `npm run demo` call this first, so a fresh
 * clone serves the dashboard without a separate `npm run build` step.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface DashboardPaths {
  /** The built entry page; its time is the build's. */
  builtIndex: string;
  /** Files and folders the build is made from: a change to any of them makes the build stale. */
  sources: string[];
}

export const DASHBOARD: DashboardPaths = {
  builtIndex: path.join(PROJECT_ROOT, 'dashboard', 'dist', 'index.html'),
  sources: [
    'dashboard/src',
    'dashboard/public',
    'dashboard/index.html',
    'dashboard/vite.config.ts',
    'dashboard/svelte.config.js',
    // The dashboard imports the published contracts (event and ticket types, map presets).
    'ingest/contracts',
    'package-lock.json',
  ].map((p) => path.join(PROJECT_ROOT, p)),
};

export type BuildState = { state: 'fresh' } | { state: 'missing' } | { state: 'stale'; changed: string };

/** The newest file under `p` (a file or a folder), or null when there is none. */
function newestFile(p: string): { file: string; mtimeMs: number } | null {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(p);
  } catch {
    return null;
  }
  if (!stat.isDirectory()) return { file: p, mtimeMs: stat.mtimeMs };
  let newest: { file: string; mtimeMs: number } | null = null;
  for (const entry of fs.readdirSync(p)) {
    const found = newestFile(path.join(p, entry));
    if (found && (!newest || found.mtimeMs > newest.mtimeMs)) newest = found;
  }
  return newest;
}

export function dashboardBuildState(paths: DashboardPaths = DASHBOARD): BuildState {
  let builtAt: number;
  try {
    builtAt = fs.statSync(paths.builtIndex).mtimeMs;
  } catch {
    return { state: 'missing' };
  }
  for (const source of paths.sources) {
    const newest = newestFile(source);
    if (newest && newest.mtimeMs > builtAt) return { state: 'stale', changed: path.relative(PROJECT_ROOT, newest.file) };
  }
  return { state: 'fresh' };
}

/**
 * Builds the dashboard when its build is missing or stale, saying so in one line. Without vite
 * (a production install with `--omit=dev`) it says what to do and returns false: HeatWatch still
 * starts, and its own log repeats that the dashboard cannot be served.
 */
export async function buildDashboardIfStale(log: (line: string) => void = (line) => console.log(line)): Promise<boolean> {
  const found = dashboardBuildState();
  if (found.state === 'fresh') return true;
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    log(`dashboard: the build is ${found.state} and vite is not installed (production install?): run \`npm run build\` where dev dependencies are installed`);
    return false;
  }
  log(found.state === 'missing' ? 'dashboard: no build yet, building it (a few seconds)…' : `dashboard: ${found.changed} changed since the last build, rebuilding…`);
  await vite.build({ configFile: path.join(PROJECT_ROOT, 'dashboard', 'vite.config.ts'), logLevel: 'warn' });
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  await buildDashboardIfStale().catch((err: unknown) => {
    console.error('dashboard: the build failed:', err);
    process.exit(1);
  });
}

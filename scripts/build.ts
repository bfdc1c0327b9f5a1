/**
 * The builds HeatWatch runs from, and whether each is missing or older than what it is built
 * from: the dashboard (`dashboard/dist`, vite) and the server (`build/`, TypeScript compiled to
 * JavaScript: production runs no tsx). `npm start`, `npm run broker` and `npm run demo` call this
 * first, so a fresh clone builds what it needs without a separate step, saying so in one line;
 * `npm run build` builds both whatever their state.
 *
 *   node --import tsx scripts/build.ts [--force] [--dashboard-only]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface BuildPaths {
  /** A file the build writes last: its time is the build's. */
  builtIndex: string;
  /** Files and folders the build is made from: a change to any of them makes the build stale. */
  sources: string[];
}

export const DASHBOARD: BuildPaths = {
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

/** Where the compiled server goes (tsconfig.build.json's outDir): build/ingest/main.js, build/broker/main.js. */
export const SERVER_OUT = path.join(PROJECT_ROOT, 'build');

export const SERVER: BuildPaths = {
  builtIndex: path.join(SERVER_OUT, '.built'),
  sources: ['ingest', 'broker', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'].map((p) => path.join(PROJECT_ROOT, p)),
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

export function buildState(paths: BuildPaths): BuildState {
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
 * Builds the dashboard when `force`d or its build is missing or stale, saying so in one line.
 * Without vite (a production install with `--omit=dev`) it says what to do and returns false:
 * HeatWatch still starts, and its own log repeats that the dashboard cannot be served.
 */
export async function buildDashboard({ force = false, log = (line: string) => console.log(line) } = {}): Promise<boolean> {
  const found = buildState(DASHBOARD);
  if (found.state === 'fresh' && !force) return true;
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    log(`dashboard: the build is ${found.state} and vite is not installed (production install?): run \`npm run build\` where dev dependencies are installed`);
    return false;
  }
  if (found.state === 'missing') log('dashboard: no build yet, building it (a few seconds)…');
  if (found.state === 'stale') log(`dashboard: ${found.changed} changed since the last build, rebuilding…`);
  await vite.build({ configFile: path.join(PROJECT_ROOT, 'dashboard', 'vite.config.ts'), logLevel: 'warn' });
  return true;
}

/** What the server reads at run time beside its modules: copied next to the compiled files. */
function copyAssets(from: string, to: string): void {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    if (entry.isDirectory()) copyAssets(source, path.join(to, entry.name));
    else if (!entry.name.endsWith('.ts')) {
      fs.mkdirSync(to, { recursive: true });
      fs.copyFileSync(source, path.join(to, entry.name));
    }
  }
}

/**
 * Compiles the server (`tsc -p tsconfig.build.json`) into build/ when `force`d or missing or
 * stale, from scratch (a removed source leaves no module behind). Without TypeScript (a
 * production install) a missing or stale build is an error: `npm run build` where dev
 * dependencies are installed.
 */
export function buildServer({ force = false, log = (line: string) => console.log(line) } = {}): void {
  const found = buildState(SERVER);
  if (found.state === 'fresh' && !force) return;
  let tsc: string;
  try {
    tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    throw new Error(`server: the build is ${found.state} and TypeScript is not installed (production install?): run \`npm run build\` where dev dependencies are installed`);
  }
  if (found.state === 'missing') log('server: no build yet, compiling it to JavaScript (about 15 s)…');
  if (found.state === 'stale') log(`server: ${found.changed} changed since the last build, compiling again…`);
  fs.rmSync(SERVER_OUT, { recursive: true, force: true });
  execFileSync(process.execPath, [tsc, '-p', path.join(PROJECT_ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
  for (const dir of ['ingest', 'broker']) copyAssets(path.join(PROJECT_ROOT, dir), path.join(SERVER_OUT, dir));
  fs.writeFileSync(SERVER.builtIndex, `${new Date().toISOString()}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const force = process.argv.includes('--force');
  try {
    // The demo runs HeatWatch inside itself, from the sources (tsx): the dashboard is all it needs.
    if (!process.argv.includes('--dashboard-only')) buildServer({ force });
    await buildDashboard({ force });
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}

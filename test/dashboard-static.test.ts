/**
 * The dashboard as a browser gets it from a running HeatWatch: pages, hashed assets (also ones
 * built while the server runs), a 404 for a missing asset instead of index.html under a script's
 * name, and a clear log line when there is no build. Also when `npm start` rebuilds it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startHeatWatch, type HeatWatch } from '../ingest/app.ts';
import { loadConfig } from '../ingest/config/config.ts';
import { buildState } from '../scripts/build.ts';
import { tempDir } from './support/heatwatch.ts';

const dirs: string[] = [];
let app: HeatWatch | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function dir(): string {
  const d = tempDir('heatwatch-static-');
  dirs.push(d);
  return d;
}

async function serve(dashboardDir: string) {
  const lines: { level: number; msg: string }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as { level: number; msg: string });
      done();
    },
  });
  const config = loadConfig({ HEATWATCH_DATA_DIR: dir(), HEATWATCH_HTTP_PORT: '0', HEATWATCH_MQTT_PORT: '0', HEATWATCH_HTTP_HOST: '127.0.0.1', HEATWATCH_MQTT_HOST: '127.0.0.1' });
  app = await startHeatWatch(config, { logger: pino({ level: 'info' }, sink), dashboardDir });
  const base = `http://127.0.0.1:${app.httpPort}`;
  return { lines, get: (p: string) => fetch(`${base}${p}`) };
}

function writeBuild(root: string, asset: string, code: string) {
  fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(root, 'assets', asset), code);
  fs.writeFileSync(path.join(root, 'index.html'), `<!doctype html><title>调度台</title><script type="module" src="/assets/${asset}"></script>`);
}

describe('serving the built dashboard', () => {
  it('serves the page and its assets, and answers a missing asset with 404, not the page', async () => {
    const root = dir();
    writeBuild(root, 'index-aaaa.js', 'console.log("v1")');
    const http = await serve(root);

    const page = await http.get('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('/assets/index-aaaa.js');

    const asset = await http.get('/assets/index-aaaa.js');
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(await asset.text()).toBe('console.log("v1")');

    const missing = await http.get('/assets/index-gone.js');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).not.toMatch(/text\/html/);
    expect((await http.get('/favicon-none.svg')).status).toBe(404);

    const api = await http.get('/api/nothing-here');
    expect(api.status).toBe(404);
    expect(await api.json()).toEqual({ error: { code: 'HW_NOT_FOUND', message: 'no route GET /api/nothing-here' } });
  });

  it('serves a build made while it runs, without a restart', async () => {
    const root = dir();
    writeBuild(root, 'index-aaaa.js', 'console.log("v1")');
    const http = await serve(root);
    expect((await http.get('/assets/index-aaaa.js')).status).toBe(200);

    // What `npm run build` does: empty the folder, write new hashed names.
    fs.rmSync(path.join(root, 'assets'), { recursive: true });
    writeBuild(root, 'index-bbbb.js', 'console.log("v2")');

    const page = await http.get('/');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(await page.text()).toContain('/assets/index-bbbb.js');
    const asset = await http.get('/assets/index-bbbb.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(await asset.text()).toBe('console.log("v2")');
    expect((await http.get('/assets/index-aaaa.js')).status).toBe(404);
  });

  it('says in the log that the dashboard is not built, and answers / with a JSON 404', async () => {
    const http = await serve(dir());
    expect(http.lines.some((l) => l.level === 40 && l.msg.startsWith('dashboard not built'))).toBe(true);
    const res = await http.get('/');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('HW_NOT_FOUND');
  });

  it('logs requests at debug level, not info', async () => {
    const root = dir();
    writeBuild(root, 'index-aaaa.js', '1');
    const http = await serve(root);
    await http.get('/');
    await http.get('/api/health');
    expect(http.lines.filter((l) => /request|incoming/.test(l.msg))).toEqual([]);
  });
});

describe('npm start rebuilds the dashboard when it must', () => {
  function project() {
    const root = dir();
    fs.mkdirSync(path.join(root, 'src'));
    fs.writeFileSync(path.join(root, 'src', 'App.svelte'), '<h1>调度台</h1>');
    fs.writeFileSync(path.join(root, 'package-lock.json'), '{}');
    const paths = { builtIndex: path.join(root, 'dist', 'index.html'), sources: [path.join(root, 'src'), path.join(root, 'package-lock.json'), path.join(root, 'absent.ts')] };
    const at = (file: string, seconds: number) => fs.utimesSync(file, seconds, seconds);
    return { root, paths, at };
  }

  it('finds a missing build', () => {
    expect(buildState(project().paths)).toEqual({ state: 'missing' });
  });

  it('finds a build older than a source file, naming the file, and a fresh one', () => {
    const { root, paths, at } = project();
    fs.mkdirSync(path.join(root, 'dist'));
    fs.writeFileSync(paths.builtIndex, '<!doctype html>');
    at(path.join(root, 'src', 'App.svelte'), 1_000);
    at(path.join(root, 'package-lock.json'), 1_000);
    at(paths.builtIndex, 2_000);
    expect(buildState(paths)).toEqual({ state: 'fresh' });

    at(path.join(root, 'src', 'App.svelte'), 3_000);
    const found = buildState(paths);
    expect(found.state).toBe('stale');
    expect(found.state === 'stale' && found.changed.endsWith(path.join('src', 'App.svelte'))).toBe(true);
  });
});

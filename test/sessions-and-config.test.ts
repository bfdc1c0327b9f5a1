/** Session expiry (injected clock, real SQLite file) and start-up configuration. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../ingest/adapters/sqlite/open-database.ts';
import { createSqliteUserStore } from '../ingest/adapters/sqlite/sqlite-user-store.ts';
import { ConfigError, loadConfig } from '../ingest/config/config.ts';
import { createAuthService } from '../ingest/services/auth-service.ts';
import { tempDir } from './support/heatwatch.ts';

describe('sessions', () => {
  it('expire after the configured time, also across a restart', async () => {
    const dir = tempDir();
    let now = Date.parse('2026-12-01T00:00:00Z');
    const clock = () => now;
    const db = openDatabase(dir);
    const auth = createAuthService({ users: createSqliteUserStore(db, clock), tokenTtlMs: 3_600_000, clock });
    await auth.bootstrapAdmin('first-password');
    const { token } = await auth.login('admin', 'first-password');
    now += 59 * 60_000;
    expect((await auth.verify(token))?.username).toBe('admin');
    const again = createAuthService({ users: createSqliteUserStore(db, clock), tokenTtlMs: 3_600_000, clock });
    expect((await again.verify(token))?.role).toBe('admin');
    now += 2 * 60_000;
    expect(await auth.verify(token)).toBeUndefined();
    expect(await again.verify(token)).toBeUndefined();
    db.close();
  });

  it('survive a restart with the same admin password', async () => {
    const db = openDatabase(tempDir());
    const auth = createAuthService({ users: createSqliteUserStore(db), tokenTtlMs: 3_600_000 });
    expect((await auth.bootstrapAdmin('same-password')).changed).toBe(true);
    const { token } = await auth.login('admin', 'same-password');
    const restarted = createAuthService({ users: createSqliteUserStore(db), tokenTtlMs: 3_600_000 });
    expect((await restarted.bootstrapAdmin('same-password')).changed).toBe(false);
    expect((await restarted.verify(token))?.username).toBe('admin');
    db.close();
  });

  it('end when the admin password is reset', async () => {
    const db = openDatabase(tempDir());
    const auth = createAuthService({ users: createSqliteUserStore(db), tokenTtlMs: 3_600_000 });
    await auth.bootstrapAdmin('first-password');
    const { token } = await auth.login('admin', 'first-password');
    const fresh = createAuthService({ users: createSqliteUserStore(db), tokenTtlMs: 3_600_000 });
    await fresh.bootstrapAdmin('second-password');
    expect(await fresh.verify(token)).toBeUndefined();
    await expect(fresh.login('admin', 'first-password')).rejects.toMatchObject({ code: 'HW_BAD_CREDENTIALS' });
    expect((await fresh.login('admin', 'second-password')).user.role).toBe('admin');
    db.close();
  });
});

describe('configuration', () => {
  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c.http.port).toBe(8080);
    expect(c.mqtt.port).toBe(1883);
    expect(c.dataDir).toBe(path.resolve('./data'));
    expect(c.mqtt.externalUrl).toBeUndefined();
    expect(c.adminPassword).toBeUndefined();
  });

  it('lists every bad value at once', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({
        HEATWATCH_HTTP_PORT: 'eighty',
        HEATWATCH_MQTT_PORT: '70000',
        HEATWATCH_ADMIN_PASSWORD: 'short',
        HEATWATCH_MQTT_URL: 'http://broker:1883',
        HEATWATCH_LOG_LEVEL: 'chatty',
        HEATWATCH_RAW_RETENTION_DAYS: '3',
        HEATWATCH_AGGREGATE_RETENTION_DAYS: '1',
      });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const vars = error!.problems.map((p) => p.split('=')[0]);
    expect(vars.sort()).toEqual(
      ['HEATWATCH_ADMIN_PASSWORD', 'HEATWATCH_AGGREGATE_RETENTION_DAYS', 'HEATWATCH_HTTP_PORT', 'HEATWATCH_LOG_LEVEL', 'HEATWATCH_MQTT_PORT', 'HEATWATCH_MQTT_URL', 'HEATWATCH_RAW_RETENTION_DAYS'].sort(),
    );
  });

  it('treats port 0 as "pick a free port" and an empty variable as unset', () => {
    const c = loadConfig({ HEATWATCH_HTTP_PORT: '0', HEATWATCH_MQTT_PORT: '', HEATWATCH_MQTT_URL: '', HEATWATCH_ADMIN_PASSWORD: ' ' });
    expect(c.http.port).toBe(0);
    expect(c.mqtt.port).toBe(1883);
    expect(c.mqtt.externalUrl).toBeUndefined();
    expect(c.adminPassword).toBeUndefined();
  });

  it('chooses the dashboard map: plain by default, presets with their datum, a custom URL, and refuses what cannot work', () => {
    expect(loadConfig({}).map.layers).toEqual([]);
    const amap = loadConfig({ HEATWATCH_MAP_TILES: 'amap' }).map;
    expect([amap.coords, amap.layers.length]).toEqual(['gcj02', 1]);
    const tianditu = loadConfig({ HEATWATCH_MAP_TILES: 'tianditu', HEATWATCH_MAP_TILES_KEY: 'abc123' }).map;
    expect(tianditu.coords).toBe('wgs84');
    expect(tianditu.layers.map((l) => l.url.includes('tk=abc123'))).toEqual([true, true]);
    const custom = loadConfig({ HEATWATCH_MAP_TILES: 'https://tiles.example.cn/{z}/{x}/{y}.png', HEATWATCH_MAP_TILES_COORDS: 'gcj02' }).map;
    expect([custom.layers[0]!.url, custom.coords]).toEqual(['https://tiles.example.cn/{z}/{x}/{y}.png', 'gcj02']);
    for (const [env, variable] of [
      [{ HEATWATCH_MAP_TILES: 'tianditu' }, 'HEATWATCH_MAP_TILES_KEY'],
      [{ HEATWATCH_MAP_TILES: 'google' }, 'HEATWATCH_MAP_TILES'],
      [{ HEATWATCH_MAP_TILES: 'osm', HEATWATCH_MAP_TILES_COORDS: 'bd09' }, 'HEATWATCH_MAP_TILES_COORDS'],
    ] as const) {
      expect(() => loadConfig(env)).toThrow(variable);
    }
  });
});

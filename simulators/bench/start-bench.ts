/**
 * Start with a city's worth of registered devices (issue 19: 100 000 devices start in < 5 s under
 * 500 MB): a data directory is filled through the device registry itself — not the API, whose
 * scrypt per device would take minutes — then the compiled server is started on it, and the time
 * to its listening line and its resident memory once listening are taken.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../ingest/adapters/sqlite/open-database.ts';
import { createSqliteDeviceRegistry } from '../../ingest/adapters/sqlite/sqlite-device-registry.ts';
import { DEVICE_SECRET_COST, hashSecret } from '../../ingest/security/secrets.ts';
import { residentMb, spawnHeatWatch } from '../heatwatch-process.ts';

export interface StartWithDevices {
  devices: number;
  /** Spawn → the listening line. */
  startMs: number;
  rssMb: number;
}

export async function benchStartWithDevices(o: { devices: number; env: (dataDir: string, adminPassword: string) => Record<string, string>; track: (child: import('node:child_process').ChildProcess) => void }): Promise<StartWithDevices> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'heatwatch-bench-start-'));
  try {
    const db = openDatabase(dataDir);
    const registry = createSqliteDeviceRegistry(db);
    // One secret for all: the start reads hashes, it does not check them.
    const secretHash = await hashSecret('bench-start-device-secret', DEVICE_SECRET_COST);
    const createdAt = new Date().toISOString();
    db.transaction(() => {
      for (let i = 0; i < o.devices; i++) {
        const room = i % 100 !== 0;
        void registry.insert(
          {
            id: room ? `SR-${String(i).padStart(6, '0')}` : `SS-${String(i).padStart(6, '0')}`,
            kind: room ? 'room' : 'substation',
            name: room ? `测温点 ${i}` : `换热站 ${i}`,
            lat: 35.3 + (i % 1000) / 5000,
            lng: 116.9 + Math.floor(i / 1000) / 500,
            address: `邹城市 幸福小区 ${i}`,
            roomType: room ? 'bedroom' : null,
            substationId: room ? `SS-${String(i - (i % 100)).padStart(6, '0')}` : null,
            intervalSec: 900,
            createdAt,
          },
          secretHash,
        );
      }
    })();
    db.close();
    const started = performance.now();
    const node = await spawnHeatWatch(o.env(dataDir, 'bench-start-admin-password'), { compiled: true });
    o.track(node.child);
    const startMs = performance.now() - started;
    const rssMb = residentMb(node.child.pid!);
    await node.kill('SIGTERM');
    return { devices: o.devices, startMs, rssMb };
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

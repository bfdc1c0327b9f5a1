/**
 * Each demo run keeps its own data folder (`<dataDir>/demo/<start time>`): a restart replays the
 * same simulated hours, and two runs in one database would draw two histories over each other.
 * The newest few runs are kept for a look back; older ones are removed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BEIJING_UTC_OFFSET_MS } from '../ingest/contracts/beijing-time.ts';

/** Runs kept, counting the new one. */
export const DEMO_RUNS_KEPT = 3;
const RUN_NAME = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}(-\d+)?$/;

export interface DemoRun {
  dir: string;
  /** Older runs removed to make room. */
  removed: string[];
}

/** Makes `<parent>/demo/<now, Beijing time>` and removes all but the newest earlier runs. */
export function openDemoRun(parent: string, now: number, keep = DEMO_RUNS_KEPT): DemoRun {
  const root = path.join(parent, 'demo');
  fs.mkdirSync(root, { recursive: true });
  const earlier = fs
    .readdirSync(root)
    .filter((name) => RUN_NAME.test(name))
    .sort();
  const removed = earlier.slice(0, Math.max(0, earlier.length - (keep - 1))).map((name) => path.join(root, name));
  for (const dir of removed) fs.rmSync(dir, { recursive: true, force: true });

  const stamp = new Date(now + BEIJING_UTC_OFFSET_MS).toISOString().slice(0, 19).replaceAll(':', '-');
  let dir = path.join(root, stamp);
  // Two starts in one second (a script, a double Enter) still get a folder each.
  for (let n = 2; fs.existsSync(dir); n++) dir = path.join(root, `${stamp}-${n}`);
  fs.mkdirSync(dir);
  return { dir, removed };
}

/** A random 32-byte key kept in a file of the data dir: read it, or create it once (mode 0600). */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export function readOrCreateKey(dataDir: string, fileName: string): Buffer {
  const file = path.join(dataDir, fileName);
  try {
    return fs.readFileSync(file);
  } catch {
    const key = randomBytes(32);
    fs.writeFileSync(file, key, { mode: 0o600, flag: 'wx' });
    return key;
  }
}

/**
 * Device secrets are shown once, at provisioning (DESIGN.md §5), so a re-run of the simulator can
 * only reconnect devices whose secrets it kept. They are kept in a JSON file, readable by its
 * owner only, that the caller places (typically `<dataDir>/sim-credentials.json`).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

const fileSchema = z.object({
  version: z.literal(1),
  /** The device-id prefix of the fleet these secrets belong to; a re-run keeps it. */
  prefix: z.string().optional(),
  devices: z.record(z.string(), z.string().min(1)),
});

export interface CredentialsCache {
  /** Where it is saved, or null for a cache that lives in memory only. */
  readonly file: string | null;
  /** The fleet's device-id prefix, kept with its secrets. */
  prefix: string | undefined;
  get(deviceId: string): string | undefined;
  set(deviceId: string, password: string): void;
  save(): Promise<void>;
}

export class CredentialsFileError extends Error {
  override readonly name = 'CredentialsFileError';
}

export async function openCredentialsCache(file: string | null): Promise<CredentialsCache> {
  const devices = new Map<string, string>();
  let prefix: string | undefined;
  if (file !== null) {
    let text: string | null = null;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new CredentialsFileError(`cannot read ${file}`, { cause: err });
    }
    if (text !== null) {
      let parsed;
      try {
        parsed = fileSchema.safeParse(JSON.parse(text));
      } catch (err) {
        throw new CredentialsFileError(`${file} is not JSON; move it away to start afresh`, { cause: err });
      }
      if (!parsed.success) throw new CredentialsFileError(`${file} is not a simulator credentials file: ${parsed.error.issues[0]?.message}`);
      for (const [id, password] of Object.entries(parsed.data.devices)) devices.set(id, password);
      prefix = parsed.data.prefix;
    }
  }
  let dirty = false;
  // Saves run one after another: two writers of one temp file would race to rename it.
  let saving: Promise<void> = Promise.resolve();
  const write = async () => {
    if (file === null || !dirty) return;
    dirty = false;
    await mkdir(path.dirname(file), { recursive: true });
    const body = JSON.stringify({ version: 1, prefix, devices: Object.fromEntries(devices) }, null, 1);
    // Write then rename: an interrupted run never leaves a half-written file of secrets.
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, body, { mode: 0o600 });
    await rename(tmp, file);
  };
  return {
    file,
    get prefix() {
      return prefix;
    },
    set prefix(value) {
      if (value === prefix) return;
      prefix = value;
      dirty = true;
    },
    get: (id) => devices.get(id),
    set(id, password) {
      devices.set(id, password);
      dirty = true;
    },
    save() {
      saving = saving.then(write);
      return saving;
    },
  };
}

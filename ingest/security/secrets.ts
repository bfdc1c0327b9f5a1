/**
 * Hashing of passwords and device secrets (scrypt, per-hash salt, constant-time compare) and
 * the random material HeatWatch issues. Nothing secret is stored or logged in the clear.
 */
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt holds 128·N·r bytes while it runs; Node refuses past `maxmem`, so it is given twice that. */
const memoryOf = (o: { N: number; r: number }) => 128 * o.N * o.r;

function deriveKey(secret: string, salt: Buffer, keylen: number, options: ScryptOptions & { N: number; r: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCb(secret, salt, keylen, { ...options, maxmem: 2 * memoryOf(options) }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/**
 * Password hashes (PASSWORD_COST: 128 MiB for ~0.6 s) run at most two at a time. scrypt runs on
 * libuv's 4 threads, shared with device logins: four logins at once would hold 512 MiB and make
 * every reconnecting sensor wait behind them. The others queue. Heavy means p passes over
 * 64 MiB or more in all, so the hashes of the earlier cost (N=2^14, p=5) queue too.
 */
const HEAVY_BYTES = 64 * 1024 * 1024;
const HEAVY_AT_ONCE = 2;
let heavyRunning = 0;
const heavyWaiting: (() => void)[] = [];

async function scrypt(secret: string, salt: Buffer, keylen: number, options: { N: number; r: number; p: number }): Promise<Buffer> {
  if (memoryOf(options) * options.p < HEAVY_BYTES) return deriveKey(secret, salt, keylen, options);
  if (heavyRunning >= HEAVY_AT_ONCE) await new Promise<void>((resolve) => heavyWaiting.push(resolve));
  else heavyRunning += 1;
  try {
    return await deriveKey(secret, salt, keylen, options);
  } finally {
    // The slot passes straight to the next in line, or is given back.
    const next = heavyWaiting.shift();
    if (next) next();
    else heavyRunning -= 1;
  }
}

/**
 * Cost per kind of secret. People choose weak passwords, so theirs get OWASP's scrypt
 * recommendation (Password Storage Cheat Sheet): N=2^17, r=8, p=1 — 128 MiB and about 0.6 s
 * per login here. The cost is stored in each hash, so hashes of an older cost still verify and
 * are made again at the next login. Device secrets are 256 random bits issued by HeatWatch: no
 * guessing attack exists, so a low cost keeps a reconnect storm of 100 000 sensors from queueing
 * behind the KDF.
 */
export const PASSWORD_COST = { N: 131072, r: 8, p: 1 } as const;
export const DEVICE_SECRET_COST = { N: 1024, r: 8, p: 1 } as const;

type Cost = { N: number; r: number; p: number };
const KEY_LEN = 32;

/** Format: scrypt$N$r$p$salt$hash (base64url). */
export async function hashSecret(secret: string, cost: Cost): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(secret, salt, KEY_LEN, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Whether `stored` was hashed at exactly `cost`. */
export function hashCostIs(stored: string, cost: Cost): boolean {
  const [, N, r, p] = stored.split('$');
  return Number(N) === cost.N && Number(r) === cost.r && Number(p) === cost.p;
}

export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[4]!, 'base64url');
  const expected = Buffer.from(parts[5]!, 'base64url');
  const key = await scrypt(secret, salt, expected.length, { N, r, p });
  return timingSafeEqual(key, expected);
}

/** A hash to compare against when the user is unknown, so the answer takes the same time. */
const decoys = new Map<number, Promise<string>>();
export function decoy(cost: Cost): Promise<string> {
  let hash = decoys.get(cost.N);
  if (!hash) {
    hash = hashSecret(randomBytes(16).toString('hex'), cost);
    decoys.set(cost.N, hash);
  }
  return hash;
}

export function newDeviceSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Bearer tokens are stored as their SHA-256: a leaked database gives no usable token. */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** Whether a presented token is the configured one, in constant time whatever their lengths. */
export function sameToken(given: string, expected: string): boolean {
  return timingSafeEqual(createHash('sha256').update(given).digest(), createHash('sha256').update(expected).digest());
}

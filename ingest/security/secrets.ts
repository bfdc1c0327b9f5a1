/**
 * Hashing of passwords and device secrets (scrypt, per-hash salt, constant-time compare) and
 * the random material HeatWatch issues. Nothing secret is stored or logged in the clear.
 */
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

function scrypt(secret: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCb(secret, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/**
 * Cost per kind of secret. People choose weak passwords, so theirs get the full cost. Device
 * secrets are 256 random bits issued by HeatWatch: no guessing attack exists, so a low cost keeps
 * a reconnect storm of 100 000 sensors from queueing behind the KDF.
 */
/**
 * OWASP's scrypt recommendation (Password Storage Cheat Sheet): N=2^17, r=8, p=1, or one of its
 * equals that trade memory for passes; N=2^14, r=8, p=5 uses 16 MiB instead of 128 MiB per
 * login (about 0.3 s here). Hashes of an older cost are made again at the next login.
 */
export const PASSWORD_COST = { N: 16384, r: 8, p: 5 } as const;
export const DEVICE_SECRET_COST = { N: 1024, r: 8, p: 1 } as const;

type Cost = { N: number; r: number; p: number };
const KEY_LEN = 32;

/** Format: scrypt$N$r$p$salt$hash (base64url). */
export async function hashSecret(secret: string, cost: Cost): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(secret, salt, KEY_LEN, { ...cost, maxmem: 256 * cost.N * cost.r });
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
  const key = await scrypt(secret, salt, expected.length, { N, r, p, maxmem: 256 * N * r });
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

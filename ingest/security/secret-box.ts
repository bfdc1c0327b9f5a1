/**
 * Channel secrets at rest (webhook tokens, SMTP and SMS gateway credentials): AES-256-GCM under
 * a key that is not in the database — HEATWATCH_SECRETS_KEY, or a key file beside it created
 * once with mode 0600. A stolen copy of heatwatch.db alone reveals no credential.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { readOrCreateKey } from './key-file.ts';
import { AppError } from '../errors.ts';

const PREFIX = 'enc:v1:';

export class SecretsKeyError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('HW_SECRETS_KEY', message, options);
  }
}

export interface SecretBox {
  seal(plain: string): string;
  /** Opens what `seal` made; text stored before encryption comes back as it is. */
  open(stored: string): string;
  isSealed(stored: string): boolean;
}

/** The key: from the environment (any text, hashed to 32 bytes), else `secrets.key` in the data dir. */
export function loadSecretsKey(dataDir: string, fromEnv?: string): Buffer {
  if (fromEnv) return createHash('sha256').update(fromEnv, 'utf8').digest();
  return readOrCreateKey(dataDir, 'secrets.key');
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new SecretsKeyError(`the secrets key must be 32 bytes, got ${key.length}`);
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `${PREFIX}${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
    },
    open(stored) {
      if (!stored.startsWith(PREFIX)) return stored;
      const raw = Buffer.from(stored.slice(PREFIX.length), 'base64');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
        decipher.setAuthTag(raw.subarray(12, 28));
        return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
      } catch (err) {
        throw new SecretsKeyError('stored channel secrets cannot be opened with this key: HEATWATCH_SECRETS_KEY (or data/secrets.key) is not the one they were saved with', { cause: err });
      }
    },
    isSealed: (stored) => stored.startsWith(PREFIX),
  };
}

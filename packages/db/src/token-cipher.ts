import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
/** GCM's recommended nonce size; random per value (2^32 values per key keep collisions negligible). */
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A value sealed by TokenCipher: base64 of `iv ‖ ciphertext ‖ tag`, and the id of its key. */
export interface SealedValue {
  value: string;
  keyId: string;
}

/** A stored value this process cannot open: its key is not configured, or it was altered or moved. */
export class TokenKeyError extends Error {
  override readonly name = 'TokenKeyError';
}

/** A key's id, stored with each value it seals: the first 16 hex digits of its SHA-256. */
export const tokenKeyId = (key: Buffer): string => createHash('sha256').update(key).digest('hex').slice(0, 16);

/**
 * AES-256-GCM for tokens at rest, as Coder's dbcrypt does it: the first key seals, every key opens
 * (so a key can be rotated in front of the old ones), and each value records the id of its key.
 * The associated data binds a value to where it belongs (the caller's context: provider, user,
 * field), so a value copied into another row does not open.
 */
export class TokenCipher {
  private readonly keys = new Map<string, Buffer>();
  /** The id of the key that seals. */
  readonly primaryKeyId: string;

  constructor(keys: readonly Buffer[]) {
    if (keys.length === 0) throw new Error('TokenCipher needs at least one key');
    for (const key of keys) {
      if (key.length !== KEY_BYTES) throw new Error(`a token key must be ${KEY_BYTES} bytes, not ${key.length}`);
      this.keys.set(tokenKeyId(key), key);
    }
    this.primaryKeyId = tokenKeyId(keys[0]!);
  }

  /** Whether a value sealed under `keyId` (null: plain text) is under the primary key. */
  isCurrent(keyId: string | null): boolean {
    return keyId === this.primaryKeyId;
  }

  seal(plain: string, context: string): SealedValue {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.keys.get(this.primaryKeyId)!, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const sealed = Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return { value: sealed.toString('base64'), keyId: this.primaryKeyId };
  }

  open(sealed: SealedValue, context: string): string {
    const key = this.keys.get(sealed.keyId);
    if (!key)
      throw new TokenKeyError(`sealed under key ${sealed.keyId}, which GITSYNC_TOKEN_ENCRYPTION_KEYS does not hold`);
    const raw = Buffer.from(sealed.value, 'base64');
    if (raw.length < IV_BYTES + TAG_BYTES)
      throw new TokenKeyError(`the value sealed under key ${sealed.keyId} is truncated`);
    const decipher = createDecipheriv(ALGORITHM, key, raw.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    try {
      return Buffer.concat([
        decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new TokenKeyError(
        `the value sealed under key ${sealed.keyId} does not open here: altered, or copied from another row`,
      );
    }
  }
}

/**
 * The cipher of GITSYNC_TOKEN_ENCRYPTION_KEYS (parsed by packages/config); without keys, null and
 * one warning, as each process that handles tokens says once at start.
 */
export function tokenCipherOf(keys: readonly Buffer[], warn: (message: string) => void): TokenCipher | null {
  if (keys.length > 0) return new TokenCipher(keys);
  warn('GITSYNC_TOKEN_ENCRYPTION_KEYS is not set: provider tokens are stored in plain text (see README, Security)');
  return null;
}

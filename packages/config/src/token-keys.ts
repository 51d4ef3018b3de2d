import { z } from 'zod';

const KEY_BYTES = 32;
/** Standard or URL-safe base64, padded or not: what `openssl rand -base64 32` and friends print. */
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * `GITSYNC_TOKEN_ENCRYPTION_KEYS`: comma-separated base64 keys of 32 bytes each. The first seals
 * tokens, all of them open (put a new key in front to rotate). Unset: tokens are stored in plain
 * text. Messages name the key by position, never by value.
 */
export const tokenEncryptionKeys = z
  .string()
  .optional()
  .transform((value, ctx): Buffer[] => {
    if (value === undefined || value.trim() === '') return [];
    const keys: Buffer[] = [];
    value.split(',').forEach((raw, i) => {
      const text = raw.trim();
      // Node's base64 decoder reads the URL-safe alphabet too, and skips what it does not know: hence the check first.
      const key = BASE64.test(text) ? Buffer.from(text, 'base64') : null;
      if (!key || key.length !== KEY_BYTES) {
        ctx.addIssue({
          code: 'custom',
          message: `key ${i + 1} is not base64 of ${KEY_BYTES} bytes (try: openssl rand -base64 32)`,
        });
      } else if (keys.some((k) => k.equals(key))) {
        ctx.addIssue({ code: 'custom', message: `key ${i + 1} repeats an earlier key` });
      } else {
        keys.push(key);
      }
    });
    return keys;
  });

/** The variable of every process that reads or writes provider tokens (api, worker, migrate). */
export const tokenKeysEnv = { GITSYNC_TOKEN_ENCRYPTION_KEYS: tokenEncryptionKeys };

import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ConfigError, parseEnv } from './parse.js';
import { tokenKeysEnv } from './token-keys.js';

const schema = z.object(tokenKeysEnv);
const parse = (value: string | undefined) =>
  parseEnv(schema, { GITSYNC_TOKEN_ENCRYPTION_KEYS: value }).GITSYNC_TOKEN_ENCRYPTION_KEYS;

describe('GITSYNC_TOKEN_ENCRYPTION_KEYS', () => {
  it('reads comma-separated base64 keys of 32 bytes, in order, in either alphabet', () => {
    const [a, b] = [randomBytes(32), randomBytes(32)];
    expect(parse(` ${a.toString('base64')} , ${b.toString('base64url')}`)).toEqual([a, b]);
  });

  it('is empty when unset: tokens stay plain text', () => {
    expect(parse(undefined)).toEqual([]);
    expect(parse('')).toEqual([]);
  });

  it('names the variable and the key by position, never the key itself', () => {
    const good = randomBytes(32).toString('base64');
    const short = randomBytes(31).toString('base64');
    const attempt = () => parse(`${good},${short},not*base64,${good}`);
    expect(attempt).toThrow(ConfigError);
    let message = '';
    try {
      attempt();
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('GITSYNC_TOKEN_ENCRYPTION_KEYS: key 2 is not base64 of 32 bytes');
    expect(message).toContain('key 3 is not base64');
    expect(message).toContain('key 4 repeats an earlier key');
    for (const secret of [good, short]) expect(message).not.toContain(secret);
  });
});

import { ConfigError, parseEnv } from './parse.js';
import { baseEnv, timingEnv } from './fields.js';
import { parseProviders } from './providers.js';
import { z } from 'zod';

describe('parseProviders', () => {
  it('reads numbered providers in numeric order with defaults', () => {
    const providers = parseProviders({
      GITSYNC_EXTERNAL_AUTH_10_ID: 'ghe',
      GITSYNC_EXTERNAL_AUTH_10_API_BASE_URL: 'https://ghe.example.com/api/v3/',
      GITSYNC_EXTERNAL_AUTH_2_ID: 'github',
      GITSYNC_EXTERNAL_AUTH_2_REGEX: '^https://github\\.com/acme/',
    });
    expect(providers.map((p) => p.id)).toEqual(['github', 'ghe']);
    expect(providers[0]).toMatchObject({ type: 'github', apiBaseUrl: 'https://api.github.com' });
    expect(providers[0]?.originPattern?.test('https://github.com/acme/x')).toBe(true);
    expect(providers[1]?.apiBaseUrl).toBe('https://ghe.example.com/api/v3');
  });

  it('names the variable that is wrong', () => {
    expect(() => parseProviders({ GITSYNC_EXTERNAL_AUTH_1_ID: 'gh', GITSYNC_EXTERNAL_AUTH_1_REGEX: '([' })).toThrow(
      /GITSYNC_EXTERNAL_AUTH_1_REGEX: not a regular expression/,
    );
    expect(() => parseProviders({ GITSYNC_EXTERNAL_AUTH_3_TYPE: 'gitlab' })).toThrow(/GITSYNC_EXTERNAL_AUTH_3_ID/);
    expect(() =>
      parseProviders({ GITSYNC_EXTERNAL_AUTH_3_TYPE: 'bitbucket', GITSYNC_EXTERNAL_AUTH_3_ID: 'x' }),
    ).toThrow(/GITSYNC_EXTERNAL_AUTH_3_TYPE/);
    expect(() => parseProviders({ GITSYNC_EXTERNAL_AUTH_3_ID: 'x', GITSYNC_EXTERNAL_AUTH_3_API_BASE_URL: '' })).toThrow(
      /GITSYNC_EXTERNAL_AUTH_3_API_BASE_URL: must be an http\(s\) URL/,
    );
  });

  it('gitlab: gitlab.com by default, the token URL under the web base, a path prefix kept', () => {
    const [cloud, selfManaged, github] = parseProviders({
      GITSYNC_EXTERNAL_AUTH_1_ID: 'gitlab',
      GITSYNC_EXTERNAL_AUTH_1_TYPE: 'gitlab',
      GITSYNC_EXTERNAL_AUTH_2_ID: 'corp',
      GITSYNC_EXTERNAL_AUTH_2_TYPE: 'gitlab',
      GITSYNC_EXTERNAL_AUTH_2_API_BASE_URL: 'https://git.corp.example:8443/gitlab/api/v4/',
      GITSYNC_EXTERNAL_AUTH_2_WEBHOOK_SECRET: 'tok',
      GITSYNC_EXTERNAL_AUTH_3_ID: 'github',
    });
    expect(cloud).toMatchObject({
      type: 'gitlab',
      apiBaseUrl: 'https://gitlab.com/api/v4',
      tokenUrl: 'https://gitlab.com/oauth/token',
    });
    expect(selfManaged).toMatchObject({
      apiBaseUrl: 'https://git.corp.example:8443/gitlab/api/v4',
      tokenUrl: 'https://git.corp.example:8443/gitlab/oauth/token',
      webhookSecret: 'tok',
    });
    // GitHub refreshes only through a configured token URL, as before.
    expect(github).toMatchObject({ type: 'github', apiBaseUrl: 'https://api.github.com', tokenUrl: null });
  });

  it('rejects a duplicated id', () => {
    expect(() => parseProviders({ GITSYNC_EXTERNAL_AUTH_1_ID: 'gh', GITSYNC_EXTERNAL_AUTH_2_ID: 'gh' })).toThrow(
      ConfigError,
    );
  });
});

describe('parseEnv', () => {
  const schema = z.object({ ...baseEnv, ...timingEnv });

  it('applies the documented defaults', () => {
    const env = parseEnv(schema, {});
    expect(env.GITSYNC_DIFF_STATUS_TTL).toBe(120_000);
    expect(env.GITSYNC_NO_TOKEN_BACKOFF).toBe(600_000);
    expect(env.GITSYNC_NO_PR_RETRY).toBe(15_000);
    expect(env.GITSYNC_NO_PR_BACKOFF).toBe(300_000);
    expect(env.GITSYNC_NO_PR_BACKOFF_MAX).toBe(3_600_000);
    expect(env.GITSYNC_TERMINAL_REFRESH_INTERVAL).toBe(3_600_000);
    expect(env.GITSYNC_TERMINAL_REFRESH_MAX).toBe(86_400_000);
    expect(env.REDIS_URL).toBe('redis://127.0.0.1:6379');
  });

  it('accepts durations in ms or with units and names a bad one', () => {
    expect(parseEnv(schema, { GITSYNC_CLAIM_LEASE: '90s' }).GITSYNC_CLAIM_LEASE).toBe(90_000);
    expect(parseEnv(schema, { GITSYNC_CLAIM_LEASE: '1500' }).GITSYNC_CLAIM_LEASE).toBe(1500);
    expect(() => parseEnv(schema, { GITSYNC_CLAIM_LEASE: 'soon' })).toThrow(
      /GITSYNC_CLAIM_LEASE: "soon" is not a duration/,
    );
    expect(() => parseEnv(schema, { DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
  });
});

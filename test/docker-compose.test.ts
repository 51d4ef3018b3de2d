import { readFileSync } from 'node:fs';
import path from 'node:path';
import { appNodeFlags, redisSettings, type AppName, type RedisEnv } from '@gitsync/config';
import { apiEnvSchema } from '../apps/api/src/env';
import { schedulerEnvSchema } from '../apps/scheduler/src/env';
import { workerEnvSchema } from '../apps/worker/src/env';
import { loadCompose, repoRoot, requiredVariables } from './compose';

/** No Docker engine runs here, so the files are checked for what operators rely on; test/image.test.ts runs them. */
const secrets = {
  POSTGRES_PASSWORD: 'pg-secret',
  REDIS_PASSWORD: 'redis-secret',
  GITSYNC_ADMIN_API_KEY: 'admin-key-0123456789',
  GITSYNC_TOKEN_ENCRYPTION_KEYS: 'a2V5',
};
const { services } = loadCompose(secrets);
const scripts = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).scripts as Record<string, string>;
const apps = ['api', 'scheduler', 'worker'] as const;

describe('docker-compose.yml', () => {
  it('runs postgres, redis, a one-shot migrate, api, scheduler and worker', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'migrate', 'postgres', 'redis', 'scheduler', 'worker']);
    expect(services.migrate!.restart).toBe('no');
  });

  it('starts each app from the built output as its npm script does, with the app’s node flags, under an init', () => {
    const expected: Record<string, string> = { migrate: scripts.migrate! };
    for (const app of apps) expected[app] = scripts[`start:${app}`]!;
    for (const [name, script] of Object.entries(expected)) {
      expect(services[name]!.command!.join(' ')).toBe(script);
      expect(services[name]!.init).toBe(true);
    }
    for (const app of Object.keys(appNodeFlags) as AppName[]) {
      expect(services[app]!.command).toEqual(['node', ...appNodeFlags[app], `apps/${app}/dist/main.js`]);
    }
  });

  it('gives every long-running service a health check; the apps probe their readiness endpoint', () => {
    for (const name of ['postgres', 'redis', ...apps]) expect(services[name]!.healthcheck?.test).toBeDefined();
    expect(services.api!.healthcheck!.test.join(' ')).toContain('127.0.0.1:8080/readyz');
    for (const name of ['scheduler', 'worker']) {
      expect(services[name]!.environment!.GITSYNC_HEALTH_PORT).toBe('9090');
      expect(services[name]!.healthcheck!.test.join(' ')).toContain('127.0.0.1:9090/readyz');
    }
  });

  it('starts the apps after the migration and a healthy Redis; the migration after a healthy Postgres', () => {
    for (const app of apps) {
      expect(services[app]!.depends_on).toEqual({
        migrate: { condition: 'service_completed_successfully' },
        redis: { condition: 'service_healthy' },
      });
    }
    expect(services.migrate!.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
  });

  it('runs three worker replicas by default and gives them time to finish on SIGTERM', () => {
    expect(services.worker!.deploy!.replicas).toBe(3);
    expect(services.worker!.stop_grace_period).toBe('30s');
  });

  it('publishes only the API, on loopback; Postgres, Redis and the health ports stay on the compose network', () => {
    for (const name of ['postgres', 'redis', 'migrate', 'scheduler', 'worker'])
      expect(services[name]!.ports).toBeUndefined();
    expect(services.api!.ports).toEqual(['127.0.0.1:8080:8080']);
    expect(loadCompose({ ...secrets, GITSYNC_API_PORT: '9999' }).services.api!.ports).toEqual(['127.0.0.1:9999:8080']);
  });

  it('protects Redis with a password that REDIS_URL carries, and never lets it evict BullMQ keys', () => {
    const command = services.redis!.command!.join(' ');
    expect(command).toMatch(/--maxmemory-policy noeviction/);
    expect(command).toMatch(/--requirepass redis-secret$/);
    expect(services.redis!.environment!.REDISCLI_AUTH).toBe('redis-secret');
    for (const name of ['migrate', ...apps]) {
      expect(services[name]!.environment!.REDIS_URL ?? 'redis://:redis-secret@redis:6379').toBe(
        'redis://:redis-secret@redis:6379',
      );
      expect(services[name]!.environment!.DATABASE_URL).toBe('postgres://postgres:pg-secret@postgres:5432/gitsync');
    }
    expect(services.postgres!.environment!.POSTGRES_PASSWORD).toBe('pg-secret');
  });

  it('refuses to start without each secret, naming it', () => {
    expect(requiredVariables()).toEqual(Object.keys(secrets).sort());
    for (const name of Object.keys(secrets)) {
      expect(() => loadCompose({ ...secrets, [name]: '' })).toThrow(
        new RegExp(`${name} is missing a value: set ${name} in \\.env`),
      );
    }
    expect(services.api!.environment!.GITSYNC_ADMIN_API_KEY).toBe(secrets.GITSYNC_ADMIN_API_KEY);
    for (const name of ['api', 'worker'])
      expect(services[name]!.environment!.GITSYNC_TOKEN_ENCRYPTION_KEYS).toBe(secrets.GITSYNC_TOKEN_ENCRYPTION_KEYS);
  });

  it('hands .env to every app, so any variable of .env.example reaches them', () => {
    for (const app of apps) expect(services[app]!.env_file).toEqual([{ path: '.env', required: false }]);
  });
});

describe('.env.example', () => {
  const lines = readFileSync(path.join(repoRoot, '.env.example'), 'utf8').split('\n');
  /** `NAME=value` and `# NAME=value` lines: what is set, and the defaults shown. */
  const listed = new Map(
    lines.flatMap((line) => {
      const match = /^(?:# )?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
      return match ? [[match[1]!, { value: match[2]!, set: !line.startsWith('#') }] as const] : [];
    }),
  );

  it('sets exactly the required secrets, empty, for the operator to fill in', () => {
    const set = [...listed].filter(([, entry]) => entry.set);
    expect(set.map(([name]) => name).sort()).toEqual(requiredVariables());
    for (const [, entry] of set) expect(entry.value).toBe('');
  });

  it('lists every variable the apps read, with the default each app applies', () => {
    const schemas = [apiEnvSchema, schedulerEnvSchema, workerEnvSchema];
    // The compose network's addresses and ports are docker-compose.yml's to set, not the operator's.
    const setByCompose = new Set(['DATABASE_URL', 'REDIS_URL', 'HOST', 'PORT', 'GITSYNC_HEALTH_PORT']);
    for (const schema of schemas) {
      const defaults = schema.parse({}) as Record<string, unknown>;
      for (const name of Object.keys(schema.shape)) {
        if (setByCompose.has(name)) continue;
        const entry = listed.get(name);
        if (!entry) throw new Error(`.env.example does not list ${name}`);
        // Secrets have no default; the sidebar's folder is an absolute path resolved where the API runs.
        if (entry.set || name === 'GITSYNC_WEB_DIR') continue;
        // The prefix's default depends on REDIS_CLUSTER: the one shown is a single server's.
        const fallback =
          name === 'GITSYNC_QUEUE_PREFIX' ? redisSettings(defaults as unknown as RedisEnv)[name] : defaults[name];
        expect({ name, value: (schema.parse({ [name]: entry.value }) as Record<string, unknown>)[name] }).toEqual({
          name,
          value: fallback,
        });
      }
    }
    for (const field of [
      'ID',
      'TYPE',
      'API_BASE_URL',
      'REGEX',
      'CLIENT_ID',
      'CLIENT_SECRET',
      'TOKEN_URL',
      'WEBHOOK_SECRET',
    ]) {
      expect(listed.has(`GITSYNC_EXTERNAL_AUTH_1_${field}`)).toBe(true);
    }
  });
});

describe('docker-compose.local.yml (npm start without local Postgres or Redis)', () => {
  const local = loadCompose(secrets, 'docker-compose.local.yml').services;

  it('publishes Postgres and Redis on loopback only, without passwords', () => {
    expect(Object.keys(local).sort()).toEqual(['postgres', 'redis']);
    expect(local.postgres!.ports).toEqual(['127.0.0.1:5432:5432']);
    expect(local.redis!.ports).toEqual(['127.0.0.1:6379:6379']);
    const moved = loadCompose(
      { GITSYNC_LOCAL_POSTGRES_PORT: '5433', GITSYNC_LOCAL_REDIS_PORT: '6380' },
      'docker-compose.local.yml',
    ).services;
    expect([moved.postgres!.ports, moved.redis!.ports]).toEqual([['127.0.0.1:5433:5432'], ['127.0.0.1:6380:6379']]);
    expect(local.postgres!.environment).toEqual({ POSTGRES_HOST_AUTH_METHOD: 'trust' });
    expect(local.redis!.environment).toEqual({});
  });

  it('runs Redis with docker-compose.yml’s settings but the password', () => {
    const production = services.redis!.command!;
    const at = production.indexOf('--requirepass');
    expect(local.redis!.command).toEqual([...production.slice(0, at), ...production.slice(at + 2)]);
  });
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/** No Docker engine runs here, so the file is checked for what operators rely on. */
const root = path.resolve(__dirname, '..');
const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Record<string, any>>;
};
const scripts = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts as Record<string, string>;

describe('docker-compose.yml', () => {
  const { services } = compose;

  it('runs postgres, redis, a one-shot migrate, api, scheduler and worker', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'migrate', 'postgres', 'redis', 'scheduler', 'worker']);
    expect(services.migrate!.restart).toBe('no');
  });

  it('gives every long-running service a health check; the apps probe their readiness endpoint', () => {
    for (const name of ['postgres', 'redis', 'api', 'scheduler', 'worker']) {
      expect(services[name]!.healthcheck?.test).toBeDefined();
    }
    expect(services.api!.healthcheck.test.join(' ')).toContain('127.0.0.1:8080/readyz');
    for (const name of ['scheduler', 'worker']) {
      expect(services[name]!.environment.GITSYNC_HEALTH_PORT).toBe('9090');
      expect(services[name]!.healthcheck.test.join(' ')).toContain('127.0.0.1:9090/readyz');
    }
  });

  it('runs three worker replicas by default and gives them time to finish on SIGTERM', () => {
    expect(services.worker!.deploy.replicas).toBe(3);
    expect(services.worker!.stop_grace_period).toBe('30s');
  });

  it('never lets Redis evict BullMQ keys', () => {
    expect(services.redis!.command.join(' ')).toMatch(/--maxmemory-policy noeviction/);
  });

  it('starts the apps with npm scripts that exist, after the migration', () => {
    for (const name of ['migrate', 'api', 'scheduler', 'worker']) {
      const [npm, run, script] = services[name]!.command as string[];
      expect([npm, run]).toEqual(['npm', 'run']);
      expect(scripts[script!]).toBeDefined();
    }
    for (const name of ['api', 'scheduler', 'worker']) {
      expect(services[name]!.depends_on.migrate.condition).toBe('service_completed_successfully');
      expect(services[name]!.environment.DATABASE_URL).toMatch(/^postgres:\/\/.*@postgres:5432\//);
      expect(services[name]!.environment.REDIS_URL).toBe('redis://redis:6379');
    }
    expect(services.api!.environment.HOST).toBe('0.0.0.0');
  });
});

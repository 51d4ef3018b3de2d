import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { baseEnv } from '@gitsync/config';
import { repoRoot, requiredVariables } from './compose';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultUrls } = require('../scripts/services.mjs') as {
  defaultUrls: Record<'DATABASE_URL' | 'REDIS_URL', string>;
};

/** `npm start` (scripts/start.mjs) on a machine where nothing answers at the configured ports. */
async function startWithout(pathDir: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: repoRoot,
    env: { PATH: pathDir, HOME: os.tmpdir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number>((resolve) => child.on('close', (status) => resolve(status ?? -1)));
  return { code, stdout, stderr };
}

describe('npm start without PostgreSQL or Redis', () => {
  const bin = mkdtempSync(path.join(os.tmpdir(), 'gitsync-start-'));
  afterAll(() => rmSync(bin, { recursive: true, force: true }));

  // Ports nothing listens on, so a connection is refused: no test listens on a fixed port (they take
  // theirs from the kernel, which may hand a port freePort found free to another test's server).
  const ports = { pg: 1, redis: 2 };
  const env = {
    DATABASE_URL: `postgres://postgres:pw@127.0.0.1:${ports.pg}/gitsync`,
    REDIS_URL: `redis://:secret-pw@127.0.0.1:${ports.redis}`,
  };

  it('stops before anything else with one line per service naming how to get it, and no stack trace', async () => {
    const { code, stdout, stderr } = await startWithout(bin, env);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      new RegExp(
        `^gitsync: PostgreSQL does not answer at 127\\.0\\.0\\.1:${ports.pg} \\(DATABASE_URL\\)\\. ` +
          'Get it: apt-get install postgresql .*brew install postgresql.*Docker',
      ),
    );
    expect(lines[1]).toMatch(
      new RegExp(
        `^gitsync: Redis does not answer at 127\\.0\\.0\\.1:${ports.redis} \\(REDIS_URL\\)\\. ` +
          'Get it: apt-get install redis-server .*brew install redis.*Docker',
      ),
    );
    expect(stderr).not.toContain('secret-pw');
  });

  it('with a Docker engine, starts both from docker-compose.yml on loopback at the configured ports', async () => {
    // A stand-in for the docker CLI: answers `info`, records `compose …` and the variables compose
    // requires (it refuses the file without them), starts nothing.
    const required = requiredVariables();
    const calls = path.join(bin, 'calls');
    writeFileSync(
      path.join(bin, 'docker'),
      `#!/bin/sh\n[ "$1" = info ] && exit 0\n` +
        'echo "$* | $GITSYNC_LOCAL_POSTGRES_PORT $GITSYNC_LOCAL_REDIS_PORT | ' +
        `${required.map((name) => `$${name}`).join(' ')}" >> "${calls}"\n`,
    );
    chmodSync(path.join(bin, 'docker'), 0o755);
    const { code, stdout, stderr } = await startWithout(bin, env);
    expect(readFileSync(calls, 'utf8').trim().split('\n')).toEqual([
      'compose -p gitsync-local -f docker-compose.yml -f docker-compose.local.yml up -d --wait postgres redis ' +
        `| ${ports.pg} ${ports.redis} | ${required.map(() => 'unused-by-local-postgres-and-redis').join(' ')}`,
    ]);
    expect(stdout).toContain('starting with Docker from docker-compose.yml (on 127.0.0.1 only)');
    // Nothing came up (the stand-in starts nothing): it says so and how to get them.
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(2);
  });

  it('checks the addresses the processes use by default', () => {
    expect(defaultUrls.DATABASE_URL).toBe(baseEnv.DATABASE_URL.parse(undefined));
    expect(defaultUrls.REDIS_URL).toBe(baseEnv.REDIS_URL.parse(undefined));
  });
});

// `npm start`'s first step: do PostgreSQL and Redis answer? When one does not, is on this machine
// and a Docker engine answers, start it from docker-compose.yml (docker-compose.local.yml publishes
// it on loopback, without a password); otherwise say, one line per service, how to get it.
// Plain Node: it runs before anything is installed.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** packages/config's defaults (test/start.test.ts holds them equal). */
export const defaultUrls = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/gitsync',
  REDIS_URL: 'redis://127.0.0.1:6379',
};

const services = [
  {
    name: 'PostgreSQL',
    variable: 'DATABASE_URL',
    defaultPort: 5432,
    compose: 'postgres',
    portVariable: 'GITSYNC_LOCAL_POSTGRES_PORT',
    get:
      'apt-get install postgresql (Debian, Ubuntu), ' +
      'brew install postgresql@16 && brew services start postgresql@16 (macOS)',
  },
  {
    name: 'Redis',
    variable: 'REDIS_URL',
    defaultPort: 6379,
    compose: 'redis',
    portVariable: 'GITSYNC_LOCAL_REDIS_PORT',
    get: 'apt-get install redis-server (Debian, Ubuntu), brew install redis && brew services start redis (macOS)',
  },
];

const loopback = new Set(['127.0.0.1', 'localhost', '::1']);

/** Whether something accepts TCP connections at host:port. */
function answers(host, port, timeoutMs = 1500) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** The services of `env` that do not answer, with where they were looked for. */
async function missingServices(env) {
  const missing = [];
  for (const service of services) {
    const url = new URL(env[service.variable] || defaultUrls[service.variable]);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = Number(url.port || service.defaultPort);
    if (!(await answers(host, port))) missing.push({ ...service, host, port });
  }
  return missing;
}

/** Variables docker-compose.yml requires (`${NAME:?…}`): compose will not read the file without them. */
function requiredComposeVariables(root) {
  const text = readFileSync(path.join(root, 'docker-compose.yml'), 'utf8');
  return [...new Set([...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*):\?/g)].map((m) => m[1]))];
}

/** `docker compose … up -d --wait <services>` for the local override; true when it succeeded. */
function startWithDocker(missing, root, env) {
  if (spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 15_000, env }).status !== 0) return false;
  console.log(
    `gitsync: ${missing.map((s) => s.name).join(' and ')} not running here; ` +
      'starting with Docker from docker-compose.yml (on 127.0.0.1 only)…',
  );
  // Only postgres and redis start: the app services' secrets are never read, but compose wants a value.
  const composeEnv = { ...env };
  for (const name of requiredComposeVariables(root)) composeEnv[name] ||= 'unused-by-local-postgres-and-redis';
  for (const service of missing) composeEnv[service.portVariable] = String(service.port);
  const args = [
    'compose',
    '-p',
    'gitsync-local',
    '-f',
    'docker-compose.yml',
    '-f',
    'docker-compose.local.yml',
    'up',
    '-d',
    '--wait',
    ...missing.map((s) => s.compose),
  ];
  return spawnSync('docker', args, { cwd: root, stdio: 'inherit', env: composeEnv }).status === 0;
}

/**
 * True when PostgreSQL and Redis answer at DATABASE_URL and REDIS_URL (or their defaults), starting
 * them with Docker when it can; false after one line per missing service saying how to get it.
 */
export async function ensureServices(root, env = process.env) {
  let missing = await missingServices(env);
  if (missing.length === 0) return true;
  if (missing.every((s) => loopback.has(s.host)) && startWithDocker(missing, root, env)) {
    missing = await missingServices(env);
    if (missing.length === 0) return true;
  }
  for (const s of missing) {
    console.error(
      `gitsync: ${s.name} does not answer at ${s.host}:${s.port} (${s.variable}). ` +
        `Get it: ${s.get}; or start Docker and run npm start again.`,
    );
  }
  return false;
}

import { spawnApp, stopAll, type AppName, type AppProcess, type SpawnOptions } from './processes.js';
import { freePort } from './redis-server.js';
import { waitFor } from './wait.js';

/** An app started and ready. */
export interface StartedApp extends AppProcess {
  /** `http://127.0.0.1:PORT`: the API itself, or the health server (/readyz, /metrics) of a worker or scheduler. */
  url: string;
}

export interface ReadyOptions {
  /** @defaultValue 60 s */
  timeoutMs?: number;
  /** Starts tried when the port was taken meanwhile (`'free-port'`). @defaultValue 3 */
  attempts?: number;
  /**
   * Told of each process as soon as it is spawned, so that a harness stops it however the start
   * ends — even when the test gives up waiting for it.
   */
  onSpawn?: (app: AppProcess) => void;
}

export interface StartAppOptions extends SpawnOptions, ReadyOptions {
  /** @defaultValue the app's name */
  name?: string;
}

/**
 * How a process says where its /readyz is:
 * - `'reported'`: it binds a port of its own choosing (it is spawned with `null`) and says which in
 *   its "api listening" line, as the API does with PORT=0;
 * - `'free-port'`: it is spawned with a port found free just before (its health port); when another
 *   process took it meanwhile, it exits saying EADDRINUSE and is spawned again on another one.
 */
export type Listening = 'reported' | 'free-port';

/**
 * Spawns a process and resolves once it is ready — its /readyz answers 200 (Postgres and Redis
 * reachable, the worker running) — with its URL (`http://127.0.0.1:PORT`). A process that exits
 * during its start fails it at once with what it printed, and one that does not get ready in time
 * is stopped: a failed start leaves nothing running.
 */
export async function spawnReady(
  spawn: (port: number | null) => AppProcess,
  listening: Listening,
  options: ReadyOptions = {},
): Promise<StartedApp> {
  const attempts = options.attempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    const port = listening === 'reported' ? null : await freePort();
    const started = spawn(port);
    options.onSpawn?.(started);
    const state = await ready(started, port, options.timeoutMs ?? 60_000).catch(async (err: unknown) => {
      await stopAll([started]);
      throw err;
    });
    if (typeof state === 'string') return Object.assign(started, { url: state });
    const taken = /EADDRINUSE/.test(started.output());
    if (!taken || attempt >= attempts) {
      throw new Error(
        `${started.name} exited with ${state.exited} while starting\n--- ${started.name} output ---\n` +
          started.output().slice(-4000),
      );
    }
  }
}

/**
 * Starts one of the system's apps as operators do (`spawnApp`) and resolves once it is ready
 * (`spawnReady`): the API on a port of its own choosing (PORT=0), a worker or scheduler with its
 * /readyz on a health port found free just before.
 */
export function startApp(
  app: Extract<AppName, 'api' | 'worker' | 'scheduler'>,
  env: Record<string, string>,
  options: StartAppOptions = {},
): Promise<StartedApp> {
  return spawnReady(
    (port) =>
      spawnApp(
        app,
        { ...env, ...(port === null ? { PORT: '0', HOST: '127.0.0.1' } : { GITSYNC_HEALTH_PORT: String(port) }) },
        options.name ?? app,
        options,
      ),
    app === 'api' ? 'reported' : 'free-port',
    options,
  );
}

/** The app's URL once /readyz answers 200, or how it exited first. */
async function ready(app: AppProcess, healthPort: number | null, timeoutMs: number) {
  let exited: number | null = null;
  void app.exited.then((code) => (exited = code));
  let url = healthPort === null ? null : `http://127.0.0.1:${healthPort}`;
  return waitFor<string | { exited: number } | undefined>(
    async () => {
      if (exited !== null) return { exited };
      url ??= listeningAt(app.output());
      if (url === null) return undefined;
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5_000) }).catch(() => null);
      return res?.ok ? url : undefined;
    },
    {
      timeoutMs,
      intervalMs: 50,
      message: () => `${app.name} to be ready (/readyz)\n--- ${app.name} output ---\n${app.output().slice(-4000)}`,
    },
  );
}

/** The API's address from its "api listening" log line (JSON, or pino-pretty's text). */
function listeningAt(output: string): string | null {
  const line = output.split('\n').find((l) => l.includes('api listening'));
  const address = line && /(https?:\/\/[^"\s,}]+)/.exec(line)?.[1];
  return address ? address.replace('://0.0.0.0:', '://127.0.0.1:').replace('://[::]:', '://127.0.0.1:') : null;
}

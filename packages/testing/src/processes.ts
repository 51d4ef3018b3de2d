import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { waitFor } from './wait.js';
import { appNodeFlags, type AppName } from '@gitsync/config';

const root = path.resolve(__dirname, '../../..');

export type { AppName };

/** One of the system's processes, started as operators start it (`node --import tsx apps/<name>/src/main.ts`). */
export interface AppProcess {
  name: string;
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code (or -1 when killed by a signal). */
  exited: Promise<number>;
  kill(signal?: NodeJS.Signals): void;
}

export interface SpawnOptions {
  /** Node flags before the loader, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  /** Keep only this much of the output (long runs must not grow the caller's memory); all of it by default. */
  outputTailChars?: number;
}

/** `node [flags] --import tsx <entry>` from the repository root, its output collected. */
export function spawnNode(
  entry: string,
  env: Record<string, string>,
  name: string,
  options: SpawnOptions = {},
): AppProcess {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', entry], {
    cwd: root,
    env: { ...process.env, FORCE_COLOR: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const tail = options.outputTailChars;
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    if (tail !== undefined && output.length > tail) output = output.slice(-tail);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  return {
    name,
    child,
    output: () => output,
    exited,
    kill: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

/** One of the system's apps, started as operators start it. */
export function spawnApp(
  app: AppName,
  env: Record<string, string>,
  name: string = app,
  options: SpawnOptions = {},
): AppProcess {
  return spawnNode(`apps/${app}/src/main.ts`, env, name, {
    ...options,
    nodeArgs: [...appNodeFlags[app], ...(options.nodeArgs ?? [])],
  });
}

/** Waits until the process logged a line containing `text` (e.g. 'worker started'). */
export async function waitForOutput(app: AppProcess, text: string, timeoutMs = 30_000): Promise<void> {
  await waitFor(() => app.output().includes(text) || undefined, {
    timeoutMs,
    message: () => `${app.name} to print "${text}"\n--- ${app.name} output ---\n${app.output().slice(-4000)}`,
  });
}

/** Stops every process (SIGKILL after `graceMs`), so a failing test never leaves one behind. */
export async function stopAll(apps: AppProcess[], graceMs = 10_000): Promise<void> {
  for (const app of apps) app.kill('SIGTERM');
  const timer = setTimeout(() => apps.forEach((app) => app.kill('SIGKILL')), graceMs);
  await Promise.all(apps.map((app) => app.exited));
  clearTimeout(timer);
}

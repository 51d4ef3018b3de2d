import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { waitFor } from './wait.js';

const root = path.resolve(__dirname, '../../..');

export type AppName = 'api' | 'scheduler' | 'worker';

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

export function spawnApp(app: AppName, env: Record<string, string>, name: string = app): AppProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', `apps/${app}/src/main.ts`], {
    cwd: root,
    env: { ...process.env, FORCE_COLOR: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
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

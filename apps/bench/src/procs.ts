import { readFileSync } from 'node:fs';
import { spawnApp, spawnNode, stopAll, waitForOutput, type AppName, type AppProcess } from '@gitsync/testing';

/** Only the tail of a process's output is kept: a worker logging for minutes must not grow the bench. */
const OUTPUT_TAIL = 64_000;

/**
 * Every process the bench starts, so that whatever happens (a failed phase, Ctrl-C) the cleanup
 * stops them all — SIGKILL for those that do not stop within the grace period.
 */
export class Processes {
  private readonly running = new Set<AppProcess>();

  /** One of the real apps, as operators start it; `nodeArgs` (e.g. --cpu-prof) switch to a spawn of our own. */
  async app(
    app: AppName,
    env: Record<string, string>,
    name: string,
    ready: string,
    nodeArgs: string[] = [],
  ): Promise<AppProcess> {
    const started = spawnApp(app, env, name, { nodeArgs, outputTailChars: OUTPUT_TAIL });
    return this.track(started, ready);
  }

  /** A script of the bench itself (the no-op worker). */
  async script(
    entry: string,
    env: Record<string, string>,
    name: string,
    ready: string,
    nodeArgs: string[] = [],
  ): Promise<AppProcess> {
    return this.track(spawnNode(entry, env, name, { outputTailChars: OUTPUT_TAIL, nodeArgs }), ready);
  }

  private async track(app: AppProcess, ready: string): Promise<AppProcess> {
    this.running.add(app);
    void app.exited.then(() => this.running.delete(app));
    await waitForOutput(app, ready, 60_000);
    return app;
  }

  async stop(apps: AppProcess[]): Promise<void> {
    await stopAll(apps, 15_000);
    for (const app of apps) this.running.delete(app);
  }

  async stopAll(): Promise<void> {
    await this.stop([...this.running]);
  }
}

/** Resident set size of a process in bytes (VmRSS of /proc/<pid>/status); null when it is gone. */
export function rssBytes(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

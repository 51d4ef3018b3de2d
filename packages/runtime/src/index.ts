import type { Logger } from '@gitsync/logger';

export interface ShutdownOptions {
  /** Exit with status 1 if the cleanup has not finished by then. */
  timeoutMs: number;
}

/**
 * Runs `cleanup` once on SIGTERM or SIGINT, then exits 0 — 1 if it failed or overran its time.
 * The listeners stay registered (not `once`): a loader such as tsx exits at once with 143 when a
 * signal finds no listener left, which would cut the cleanup short.
 */
export function onShutdown(logger: Logger, cleanup: (signal: string) => Promise<void>, options: ShutdownOptions): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    const deadline = setTimeout(() => {
      logger.warn({ timeoutMs: options.timeoutMs }, 'shutdown deadline passed; exiting');
      process.exit(1);
    }, options.timeoutMs);
    deadline.unref();
    cleanup(signal).then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}

/** Logs a start-up failure (a ConfigError names the variable) and exits 1. */
export function exitOnStartupError(err: unknown): never {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
export * from './health.js';

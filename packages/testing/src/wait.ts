export interface WaitOptions {
  /** @defaultValue 10000 */
  timeoutMs?: number;
  /** @defaultValue 25 */
  intervalMs?: number;
  /** Said in the error when the deadline passes (a function is called then, to describe the state at that time). */
  message?: string | (() => string);
}

/**
 * Polls `check` until it returns something other than undefined/false, or fails at the deadline
 * with the last value seen — the alternative to sleeping a fixed time and hoping.
 */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  options: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      const message = typeof options.message === 'function' ? options.message() : options.message;
      throw new Error(`timed out: ${message ?? 'condition not met'} (last: ${detail})`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 25));
  }
}

export interface WaitOptions {
  /** @defaultValue 10000 */
  timeoutMs?: number;
  /** @defaultValue 25 */
  intervalMs?: number;
  /** Said in the error when the deadline passes (a function is called then, to describe the state at that time). */
  message?: string | (() => string);
}

/** What `waitFor` keeps polling on: JavaScript's falsy values (NaN aside, which no check returns). */
export type NotYet = undefined | null | false | 0 | '';

/**
 * Polls `check` until it returns a truthy value, or fails at the deadline with the last value
 * seen — the alternative to sleeping a fixed time and hoping. Truthy, not "defined": a row not
 * there yet (`null`), a count still at 0 or an empty string must not pass as "done", so
 * `waitFor(() => row?.url)` waits for a url. A check that waits for zero says so (`n === 0`).
 */
export async function waitFor<T>(check: () => T | Promise<T>, options: WaitOptions = {}): Promise<Exclude<T, NotYet>> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as Exclude<T, NotYet>;
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

import type { GroupPacer, RefreshDeps } from '@gitsync/gitsync';

/**
 * Background jobs of this process step aside while a refresh somebody waits for (on demand) runs
 * in it. Node's event loop has no priorities: an on-demand job's every step queues behind the
 * callbacks of the background jobs running beside it, so under a backlog it took four times as
 * long as on an idle worker. Background jobs now wait at their next step that starts work (the
 * row's load, each provider request) until no urgent job runs here, or `maxWaitMs` at most, so a
 * stuck urgent job never holds the background work for long. What is already in flight finishes.
 */
export class RightOfWay {
  private urgent = 0;
  private waiting: Array<() => void> = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly maxWaitMs = 1_000) {}

  /** Runs an urgent job; background steps wait while one runs. */
  async urgentRun<T>(task: () => Promise<T>): Promise<T> {
    this.urgent += 1;
    try {
      return await task();
    } finally {
      this.urgent -= 1;
      if (this.urgent === 0) this.release();
    }
  }

  /** At once while no urgent job runs; otherwise when the last one ends, or after `maxWaitMs`. */
  clear(): Promise<void> | undefined {
    if (this.urgent === 0) return undefined;
    this.timer ??= setTimeout(() => this.release(), this.maxWaitMs);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Background steps waiting now (tests read it). */
  get waiters(): number {
    return this.waiting.length;
  }

  private release(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }
}

/**
 * After the right of way: at once (no extra promise or turn) while no urgent job runs, which is the
 * background jobs' common case on the hot path; otherwise once the way is clear.
 */
function after<T>(way: RightOfWay, step: () => Promise<T>): Promise<T> {
  const wait = way.clear();
  return wait ? wait.then(step) : step();
}

/** The dependencies of a background job: its load and its provider requests wait for the right of way. */
export function givingWay<TChange>(deps: RefreshDeps<TChange>, way: RightOfWay): RefreshDeps<TChange> {
  const { store, pacer } = deps;
  const yielding: GroupPacer = {
    forGroup(group, options) {
      const inner = pacer.forGroup(group, options);
      return { acquire: () => after(way, () => inner.acquire()) };
    },
  };
  return {
    ...deps,
    store: {
      load: (chatId) => after(way, () => store.load(chatId)),
      saveRefreshed: (write) => store.saveRefreshed(write),
      saveOutcome: (write) => store.saveOutcome(write),
    },
    pacer: yielding,
  };
}

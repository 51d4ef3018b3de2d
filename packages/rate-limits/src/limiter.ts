/**
 * Bounds how many provider calls one group has in flight in this process. Small enough to keep
 * here rather than pull a dependency: p-limit is ESM-only and keyless.
 */
export class GroupLimiter {
  private readonly active = new Map<string, number>();
  private readonly waiting = new Map<string, Array<() => void>>();

  constructor(private readonly perGroup: number) {}

  async run<T>(group: string, task: () => Promise<T>): Promise<T> {
    await this.acquire(group);
    try {
      return await task();
    } finally {
      this.release(group);
    }
  }

  private acquire(group: string): Promise<void> {
    const count = this.active.get(group) ?? 0;
    if (count < this.perGroup) {
      this.active.set(group, count + 1);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const queue = this.waiting.get(group) ?? [];
      queue.push(resolve);
      this.waiting.set(group, queue);
    });
  }

  private release(group: string): void {
    const queue = this.waiting.get(group);
    const next = queue?.shift();
    if (next) {
      if (queue!.length === 0) this.waiting.delete(group);
      next(); // the slot passes straight to the next waiter
      return;
    }
    const count = (this.active.get(group) ?? 1) - 1;
    if (count === 0) this.active.delete(group);
    else this.active.set(group, count);
  }
}

/**
 * A fake's injected latency: timers rather than a busy wait, tracked so that closing the fake ends
 * them instead of leaving them holding the process open.
 */
export class Delays {
  private readonly timers = new Map<NodeJS.Timeout, () => void>();

  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.set(timer, resolve);
    });
  }

  /** Ends every wait at once (the waiters go on and find the fake closed). */
  endAll(): void {
    for (const [timer, resume] of this.timers) {
      clearTimeout(timer);
      resume();
    }
    this.timers.clear();
  }
}

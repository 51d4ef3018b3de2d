/** What a hold sees of an arriving request. */
export interface HeldRequest {
  method: string;
  /** As sent, query included. */
  path: string;
  token: string | null;
}

export interface Hold {
  /** Requests waiting on this hold now. */
  readonly waiting: number;
  /** Lets the held requests (and every later one) through; idempotent. */
  release(): void;
}

/**
 * Requests a test keeps waiting at the fake, before anything else is done with them, until it
 * releases them: a refresh held in flight exactly as long as the test needs, with no clock.
 */
export class Holds {
  private readonly entries = new Set<{ match: (r: HeldRequest) => boolean; waiters: Array<() => void> }>();

  add(match: (request: HeldRequest) => boolean): Hold {
    const entry = { match, waiters: [] as Array<() => void> };
    this.entries.add(entry);
    return {
      get waiting() {
        return entry.waiters.length;
      },
      release: () => {
        this.entries.delete(entry);
        for (const resume of entry.waiters.splice(0)) resume();
      },
    };
  }

  /** Resolves once no hold matching the request is in force (at once when none is). */
  pass(request: HeldRequest): Promise<void> {
    const entry = [...this.entries].find((e) => e.match(request));
    if (!entry) return Promise.resolve();
    return new Promise((resolve) => entry.waiters.push(resolve));
  }

  /** Lets everything through for good (the fake closes). */
  releaseAll(): void {
    for (const entry of this.entries) for (const resume of entry.waiters.splice(0)) resume();
    this.entries.clear();
  }
}

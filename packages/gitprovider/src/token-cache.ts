import { createHash } from 'node:crypto';

/** A key that stands for a token without being it (map keys show up in heap dumps and debuggers). */
export function tokenKey(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A small LRU of per-token values (octokit clients), keyed by the token's hash. */
export class TokenCache<T> {
  private readonly entries = new Map<string, T>();

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(token: string, create: (key: string) => T): T {
    const key = tokenKey(token);
    const existing = this.entries.get(key);
    if (existing !== undefined) {
      // Re-inserting moves the entry to the back of the Map's insertion order: most recently used.
      this.entries.delete(key);
      this.entries.set(key, existing);
      return existing;
    }
    const value = create(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    return value;
  }
}

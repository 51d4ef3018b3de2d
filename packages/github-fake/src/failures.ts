import { repoKey } from './store.js';
import type { FailureMode } from './types.js';

interface Failure {
  mode: FailureMode;
  remaining: number;
}

/** Injected per-repository failures, consumed one per matching request. */
export class Failures {
  private readonly byRepo = new Map<string, Failure>();

  set(owner: string, repo: string, mode: FailureMode, times = Infinity): void {
    if (!(times > 0)) return;
    this.byRepo.set(repoKey(owner, repo), { mode, remaining: times });
  }

  clear(): void {
    this.byRepo.clear();
  }

  /** The failure mode this request to owner/repo must answer with, spending one of its `times`. */
  take(owner: string, repo: string): FailureMode | undefined {
    if (this.byRepo.size === 0) return undefined;
    const k = repoKey(owner, repo);
    const failure = this.byRepo.get(k);
    if (!failure) return undefined;
    if (--failure.remaining <= 0) this.byRepo.delete(k);
    return failure.mode;
  }
}

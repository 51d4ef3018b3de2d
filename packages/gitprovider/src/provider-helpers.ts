import type { RepositoryCache, RepositoryInfo } from './types.js';

/**
 * The configured origin pattern made safe to reuse: a /g or /y pattern keeps `lastIndex` between
 * test() calls and would answer every other call wrongly.
 */
export function reusablePattern(pattern: RegExp | undefined): RegExp | null {
  return pattern ? new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')) : null;
}

/** A repository cache of this process alone: enough for one process and for tests. */
export function inProcessCache(): RepositoryCache {
  const entries = new Map<string, RepositoryInfo>();
  return {
    get: async (key) => entries.get(key) ?? null,
    set: async (key, info) => void entries.set(key, info),
  };
}

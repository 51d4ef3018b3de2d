/**
 * `load`'s answer kept for `ttlMs`: calls within that time share it (and a load in flight) instead
 * of loading again. A failed load is not kept, so the next call tries again.
 */
export function cachedFor<T>(ttlMs: number, load: () => Promise<T>, now: () => number = Date.now): () => Promise<T> {
  let kept: { at: number; value: Promise<T> } | null = null;
  return () => {
    const at = now();
    if (kept && at - kept.at < ttlMs) return kept.value;
    const entry = { at, value: load() };
    kept = entry;
    entry.value.catch(() => {
      if (kept === entry) kept = null;
    });
    return entry.value;
  };
}

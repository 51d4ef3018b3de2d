import { useEffect, useRef } from 'react';

/**
 * Calls `onReach` when the sentinel element scrolls into view. The observer is made again
 * whenever `deps` change, because observing fires once at once: a first page too short to fill
 * the sidebar then asks for the next page without waiting for a scroll that cannot happen.
 */
export function useInfiniteScroll<T extends Element>(onReach: () => void, enabled: boolean, deps: readonly unknown[]) {
  const sentinel = useRef<T>(null);
  const latest = useRef(onReach);
  latest.current = onReach;

  useEffect(() => {
    const node = sentinel.current;
    if (!enabled || !node) return;
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && latest.current(), {
      rootMargin: '200px',
    });
    observer.observe(node);
    return () => observer.disconnect();
  }, [enabled, ...deps]);
  return sentinel;
}

import { useCallback, useEffect, useRef, useState } from 'react';
import type { RefreshVerdict } from '../refresh-outcome';

export type RefreshState = { kind: 'idle' } | { kind: 'refreshing' } | { kind: 'note' | 'failed'; message: string };

/** One chat's "refresh now": its progress and what came of it, ignored once the row is gone. */
export function useRefresh(refresh: () => Promise<RefreshVerdict>): [RefreshState, () => void] {
  const [state, setState] = useState<RefreshState>({ kind: 'idle' });
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const start = useCallback(() => {
    setState({ kind: 'refreshing' });
    refresh().then(
      (verdict) =>
        mounted.current &&
        setState(
          verdict.tone === 'ok'
            ? { kind: 'idle' }
            : { kind: verdict.tone === 'note' ? 'note' : 'failed', message: verdict.message },
        ),
      (err: unknown) =>
        mounted.current &&
        setState({ kind: 'failed', message: `Refresh failed: ${err instanceof Error ? err.message : String(err)}` }),
    );
  }, [refresh]);
  return [state, start];
}

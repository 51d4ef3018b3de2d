import { useEffect, useState } from 'react';
import type { ApiClient } from '../api';

export type DiffState = { kind: 'loading' } | { kind: 'loaded'; text: string } | { kind: 'failed'; message: string };

/** The chat's diff, fetched again when `version` changes (a new head, another PR). */
export function useDiff(api: ApiClient, chatId: string, version: string): DiffState {
  const [state, setState] = useState<DiffState>({ kind: 'loading' });
  useEffect(() => {
    const abort = new AbortController();
    setState({ kind: 'loading' });
    api.getDiff(chatId, abort.signal).then(
      (text) => setState({ kind: 'loaded', text }),
      (err: unknown) => {
        if (!abort.signal.aborted)
          setState({ kind: 'failed', message: err instanceof Error ? err.message : String(err) });
      },
    );
    return () => abort.abort();
  }, [api, chatId, version]);
  return state;
}

import { RotateCw } from 'lucide-react';
import type { RefreshState } from '../hooks/use-refresh';

/** Asks the API for this chat's status now (it jumps ahead of background work); turns while it waits. */
export function RefreshButton({ state, onClick }: { state: RefreshState; onClick: () => void }) {
  const busy = state.kind === 'refreshing';
  const label = busy ? 'Refreshing…' : 'Refresh now';
  return (
    <button
      type="button"
      className="icon-button refresh"
      onClick={onClick}
      disabled={busy}
      aria-busy={busy}
      aria-label={label}
      title={label}
    >
      <RotateCw size={15} aria-hidden="true" className={busy ? 'spin' : undefined} />
    </button>
  );
}

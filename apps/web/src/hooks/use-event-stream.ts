import { useEffect, useRef, useState } from 'react';
import type { DiffStatusChangeEvent } from '@gitsync/contracts';
import type { ApiClient } from '../api';
import { followEvents, type StreamState } from '../event-stream';

export interface EventStreamHandlers {
  onEvent(event: DiffStatusChangeEvent): void;
  onResumed(): void;
  onUnauthorized(): void;
}

/** Follows the event stream while mounted; reports its state for the header. */
export function useEventStream(api: ApiClient, handlers: EventStreamHandlers): StreamState {
  const [state, setState] = useState<StreamState>({ kind: 'connecting' });
  // The stream lives as long as the key does; handlers may change every render without reconnecting.
  const latest = useRef(handlers);
  latest.current = handlers;

  useEffect(
    () =>
      followEvents({
        api,
        onEvent: (event) => latest.current.onEvent(event),
        onResumed: () => latest.current.onResumed(),
        onState: (next) => {
          setState(next);
          if (next.kind === 'unauthorized') latest.current.onUnauthorized();
        },
      }),
    [api],
  );
  return state;
}

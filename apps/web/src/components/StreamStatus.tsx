import { useEffect, useState } from 'react';
import type { StreamState } from '../event-stream';

/** Live / connecting / reconnecting in Ns: whether the icons can be trusted to be current. */
export function StreamStatus({ state }: { state: StreamState }) {
  const seconds = useCountdown(state.kind === 'reconnecting' ? state.retryAt : null);
  const [text, title] =
    state.kind === 'live'
      ? ['Live', 'Receiving changes as they happen']
      : state.kind === 'connecting'
        ? ['Connecting…', 'Opening the event stream']
        : state.kind === 'unauthorized'
          ? ['Signed out', 'The API did not accept the key']
          : [
              seconds > 0 ? `Reconnecting in ${seconds}s…` : 'Reconnecting…',
              `Stream lost (${state.reason}); attempt ${state.attempt}`,
            ];
  // A screen reader hears the state change once, not the countdown every second.
  const spoken = state.kind === 'reconnecting' ? 'Live updates lost, reconnecting' : text;
  return (
    <span className={`stream-status ${state.kind}`} title={title} data-stream={state.kind}>
      <span className="dot" aria-hidden="true" />
      <span aria-hidden="true">{text}</span>
      <span className="sr-only" role="status">
        {spoken}
      </span>
    </span>
  );
}

/** Whole seconds left until `at`, ticking each second while there is one. */
function useCountdown(at: number | null): number {
  const left = () => (at === null ? 0 : Math.max(0, Math.ceil((at - Date.now()) / 1000)));
  const [seconds, setSeconds] = useState(left);
  useEffect(() => {
    setSeconds(left());
    if (at === null) return;
    const timer = setInterval(() => setSeconds(left()), 1000);
    return () => clearInterval(timer);
  }, [at]);
  return seconds;
}

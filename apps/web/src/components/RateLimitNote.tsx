import type { DiffStatusJson } from '@gitsync/contracts';
import { Clock } from 'lucide-react';
import { useNow } from '../hooks/use-now';
import { clockTime, exactTime } from '../time';

/**
 * "rate limited until 14:05" while the chat's status waits on its owner's rate limit (the last
 * refresh met it); gone once that time has passed, even before the next refresh publishes.
 */
export function RateLimitNote({ status }: { status: DiffStatusJson }) {
  const now = useNow();
  const until = status.rate_limited_until;
  if (!until || Date.parse(until) <= now) return null;
  return (
    <span className="rate-limited" title={`The provider is rate limiting this account until ${exactTime(until)}`}>
      <Clock size={12} aria-hidden="true" />
      rate limited until {clockTime(until)}
    </span>
  );
}

import { useNow } from '../hooks/use-now';
import { exactTime, timeAgo } from '../time';

/** "refreshed 3 minutes ago", kept current by the shared clock, exact time on hover. */
export function RelativeTime({ iso, prefix }: { iso: string; prefix: string }) {
  const now = useNow();
  return (
    <time className="relative-time" dateTime={iso} title={exactTime(iso)}>
      {prefix} {timeAgo(iso, now)}
    </time>
  );
}

import type { RefreshInfoJson } from '@gitsync/contracts';
import { exactTime } from './time';

/** What a row says after "refresh now": nothing when it worked, a note, or an error. */
export type RefreshVerdict = { tone: 'ok' } | { tone: 'note' | 'error'; message: string };

/**
 * The API answers 200 whatever the refresh's outcome (the status is still worth showing); the
 * outcome says whether the person should do something (link a token, configure a provider) or
 * merely wait.
 */
export function describeRefresh(info: RefreshInfoJson | undefined): RefreshVerdict {
  if (!info) return { tone: 'ok' };
  if (!info.completed)
    return { tone: 'note', message: 'Still refreshing in the background; showing the last known status.' };
  const detail = info.error ? `: ${info.error}` : '';
  switch (info.outcome) {
    case undefined:
    case 'refreshed':
      return { tone: 'ok' };
    case 'no_pr':
      return { tone: 'note', message: 'No open pull request for this branch yet.' };
    case 'rate_limited':
      return {
        tone: 'note',
        message:
          'The provider is rate limiting this account' +
          (info.next_refresh_at ? `; next try ${exactTime(info.next_refresh_at)}` : '') +
          '.',
      };
    case 'no_token':
      return { tone: 'error', message: 'No token linked for this provider: link one to see its pull requests.' };
    case 'no_provider':
      return { tone: 'error', message: 'No git provider is configured for this repository.' };
    case 'provider_error':
      return { tone: 'error', message: `The provider answered an error${detail}` };
    case 'failed':
      return { tone: 'error', message: `Refresh failed${detail}` };
  }
}

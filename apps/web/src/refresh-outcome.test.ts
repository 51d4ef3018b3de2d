import type { RefreshOutcomeJson } from '@gitsync/contracts';
import { describeRefresh } from './refresh-outcome';

describe('describeRefresh', () => {
  it('is silent when the refresh worked', () => {
    expect(describeRefresh({ completed: true, outcome: 'refreshed' })).toEqual({ tone: 'ok' });
    expect(describeRefresh({ completed: true })).toEqual({ tone: 'ok' });
    expect(describeRefresh(undefined)).toEqual({ tone: 'ok' });
  });

  it('notes what only needs waiting, and reports what needs doing as an error', () => {
    const tones: Record<RefreshOutcomeJson, string> = {
      refreshed: 'ok',
      no_pr: 'note',
      rate_limited: 'note',
      no_token: 'error',
      no_provider: 'error',
      provider_error: 'error',
      failed: 'error',
    };
    for (const [outcome, tone] of Object.entries(tones)) {
      expect(describeRefresh({ completed: true, outcome: outcome as RefreshOutcomeJson }).tone).toBe(tone);
    }
    expect(describeRefresh({ completed: false })).toMatchObject({
      tone: 'note',
      message: expect.stringContaining('background'),
    });
  });

  it("passes the provider's error on", () => {
    expect(describeRefresh({ completed: true, outcome: 'provider_error', error: 'GitHub answered 502' })).toEqual({
      tone: 'error',
      message: 'The provider answered an error: GitHub answered 502',
    });
  });
});

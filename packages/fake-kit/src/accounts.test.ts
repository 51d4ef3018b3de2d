import { TokenAccounts, type WindowedAccount } from './accounts.js';

const account = (windowStart: number): WindowedAccount => ({ budget: 10, windowMs: 1_000, windowStart, used: 4 });

describe('TokenAccounts', () => {
  it('restarts an account’s window once it has run out, not before', () => {
    const accounts = new TokenAccounts<WindowedAccount>();
    accounts.set('t', account(0));
    expect(accounts.get('t', 999)).toMatchObject({ windowStart: 0, used: 4 });
    expect(accounts.get('t', 1_000)).toMatchObject({ windowStart: 1_000, used: 0 });
    accounts.remove('t');
    expect(accounts.get('t', 1_000)).toBeUndefined();
  });

  it('opens a forced limit’s window at the first request that meets it, and ends it after its length', () => {
    const accounts = new TokenAccounts<WindowedAccount, 'secondary'>();
    accounts.force('t', 3_000, 'secondary');
    // Forced long before the first request: the whole window is still ahead of it.
    expect(accounts.forcedAt('t', 50_000)).toEqual({ detail: 'secondary', until: 53_000 });
    expect(accounts.forcedAt('t', 52_999)).toEqual({ detail: 'secondary', until: 53_000 });
    expect(accounts.forcedAt('t', 53_000)).toBeUndefined();
    expect(accounts.forcedAt('t', 53_001)).toBeUndefined();
  });

  it('forgets a removed token’s forced limit', () => {
    const accounts = new TokenAccounts<WindowedAccount>();
    accounts.force('t', 3_000, undefined);
    accounts.remove('t');
    expect(accounts.forcedAt('t', 0)).toBeUndefined();
  });
});

import { defaultTimings, nextStaleAt } from './timings.js';

const now = new Date('2026-01-01T12:00:00Z');
const at = (kind: Parameters<typeof nextStaleAt>[0]['kind'], extra = {}) =>
  nextStaleAt({ kind, now, ...extra }, defaultTimings).getTime() - now.getTime();

describe('nextStaleAt (SPEC §3.4)', () => {
  it('follows the backoff table', () => {
    expect(at('refreshed')).toBe(120_000);
    expect(at('no_token')).toBe(600_000);
    expect(at('provider_error')).toBe(120_000);
    expect(at('no_provider')).toBe(120_000);
  });

  it('looks for a missing PR again in 15 s only right after a report', () => {
    expect(at('no_pr', { markedStaleAt: new Date(now.getTime() - 30_000) })).toBe(15_000);
    expect(at('no_pr', { markedStaleAt: new Date(now.getTime() - 180_000) })).toBe(300_000);
    expect(at('no_pr', { markedStaleAt: null })).toBe(300_000);
  });

  it("waits for the group's reset when rate limited", () => {
    const resetAt = new Date(now.getTime() + 3_600_000);
    expect(at('rate_limited', { resetAt })).toBe(3_600_000);
  });
});

import { timeAgo } from './time';

const now = Date.parse('2026-11-01T12:00:00Z');
const ago = (seconds: number) => new Date(now - seconds * 1000).toISOString();

describe('timeAgo', () => {
  it.each([
    [5, 'just now'],
    [50, '1 minute ago'],
    [5 * 60, '5 minutes ago'],
    [2 * 3600, '2 hours ago'],
    [26 * 3600, 'yesterday'],
    [3 * 86400, '3 days ago'],
    [-5, 'just now'],
    [-3 * 60, 'in 3 minutes'],
  ])('%i s ago → %s', (seconds, expected) => {
    expect(timeAgo(ago(seconds), now)).toBe(expected);
  });

  it('does not invent a time for a bad date', () => {
    expect(timeAgo('not a date', now)).toBe('at an unknown time');
  });
});

import { nextLook } from '../src/refresh.js';

describe('nextLook (how long a pass waits before counting its rows again)', () => {
  it('waits long while the end is far, and closes in on it', () => {
    // 1,000 of 20,000 rows after 1 s: 19 s to go, so the longest wait.
    expect(nextLook(1_000, 20_000, 1_000, 60_000)).toBe(2_000);
    // 19,000 after 19 s: 1 s to go, half of it.
    expect(nextLook(19_000, 20_000, 19_000, 60_000)).toBe(500);
    // Nearly there: never less than 50 ms between counts.
    expect(nextLook(19_999, 20_000, 19_999, 60_000)).toBe(50);
  });

  it('never waits past the cap, nor long before the first row is written', () => {
    expect(nextLook(1_000, 20_000, 1_000, 300)).toBe(300);
    expect(nextLook(0, 20_000, 1_000, 60_000)).toBe(2_000);
  });
});

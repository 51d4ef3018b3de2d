import { GroupLimiter } from './limiter.js';

describe('GroupLimiter', () => {
  it('bounds calls in flight per group without slowing other groups', async () => {
    const limiter = new GroupLimiter(2);
    const inFlight = new Map<string, number>();
    let maxA = 0;
    const releases: Array<() => void> = [];
    const task = (group: string) =>
      limiter.run(group, async () => {
        inFlight.set(group, (inFlight.get(group) ?? 0) + 1);
        if (group === 'a') maxA = Math.max(maxA, inFlight.get('a')!);
        await new Promise<void>((resolve) => releases.push(resolve));
        inFlight.set(group, inFlight.get(group)! - 1);
      });
    const all = [task('a'), task('a'), task('a'), task('a'), task('b')];
    await new Promise((r) => setImmediate(r));
    expect(inFlight.get('a')).toBe(2);
    expect(inFlight.get('b')).toBe(1);
    while (releases.length > 0) {
      releases.shift()!();
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(all);
    expect(maxA).toBe(2);
  });
});

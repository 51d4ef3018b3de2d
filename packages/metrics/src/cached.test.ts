import { cachedFor } from './cached.js';

describe('cachedFor', () => {
  it('loads once per time-to-live, sharing a load in flight, and forgets a failure', async () => {
    let clock = 0;
    let loads = 0;
    let fail = false;
    const read = cachedFor(
      60_000,
      async () => {
        loads++;
        if (fail) throw new Error('down');
        return loads;
      },
      () => clock,
    );
    expect(await Promise.all([read(), read()])).toEqual([1, 1]);
    clock = 59_999;
    expect(await read()).toBe(1);
    expect(loads).toBe(1);
    clock = 60_000;
    fail = true;
    await expect(read()).rejects.toThrow('down');
    fail = false;
    expect(await read()).toBe(3);
    expect(loads).toBe(3);
  });
});

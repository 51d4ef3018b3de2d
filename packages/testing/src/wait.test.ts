import { waitFor } from './wait.js';

describe('waitFor', () => {
  it.each([
    ['undefined', undefined],
    ['null', null],
    ['false', false],
    ['0', 0],
    ['an empty string', ''],
  ])('keeps waiting while the check returns %s, and says so at the deadline', async (_, value) => {
    await expect(waitFor(() => value, { timeoutMs: 0, intervalMs: 1, message: 'a value' })).rejects.toThrow(
      `timed out: a value (last: ${JSON.stringify(value) ?? 'undefined'})`,
    );
  });

  it('returns the first truthy value, awaited', async () => {
    const values = [null, 0, '', false, undefined, { url: 'https://example.test/pull/1' }];
    let calls = 0;
    const found = await waitFor(async () => values[calls++], { intervalMs: 1 });
    expect(found).toEqual({ url: 'https://example.test/pull/1' });
    expect(calls).toBe(values.length);
  });

  it('counts a thrown error as "not yet" and reports it at the deadline', async () => {
    await expect(
      waitFor(
        () => {
          throw new Error('still refused');
        },
        { timeoutMs: 0, intervalMs: 1 },
      ),
    ).rejects.toThrow('timed out: condition not met (last: still refused)');
  });
});

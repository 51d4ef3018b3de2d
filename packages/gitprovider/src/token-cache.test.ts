import { TokenCache, tokenKey } from './token-cache.js';

describe('TokenCache', () => {
  it('keys by the sha256 of the token, never the token', () => {
    const seen: string[] = [];
    const cache = new TokenCache<string>(10);
    cache.get('ghp_secret', (key) => (seen.push(key), 'client'));
    expect(seen).toEqual([tokenKey('ghp_secret')]);
    expect(seen[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(seen[0]).not.toContain('ghp_secret');
  });

  it('reuses values and evicts the least recently used', () => {
    const cache = new TokenCache<object>(2);
    let created = 0;
    const make = () => ({ n: ++created });
    const a = cache.get('a', make);
    cache.get('b', make);
    expect(cache.get('a', make)).toBe(a); // a is now most recent
    cache.get('c', make); // evicts b
    expect(cache.size).toBe(2);
    expect(cache.get('a', make)).toBe(a);
    cache.get('b', make);
    expect(created).toBe(4);
  });
});

import { nextPageUrl } from './link-header.js';

describe('nextPageUrl', () => {
  it('finds rel="next" among others', () => {
    const link =
      '<https://api.github.com/repositories/1/pulls/2/reviews?per_page=100&page=2>; rel="next", ' +
      '<https://api.github.com/repositories/1/pulls/2/reviews?per_page=100&page=3>; rel="last"';
    expect(nextPageUrl(link)).toBe('https://api.github.com/repositories/1/pulls/2/reviews?per_page=100&page=2');
  });
  it('is null on the last page or without a header', () => {
    expect(nextPageUrl('<https://x/?page=1>; rel="first", <https://x/?page=2>; rel="prev"')).toBeNull();
    expect(nextPageUrl(undefined)).toBeNull();
    expect(nextPageUrl('')).toBeNull();
  });
  it('accepts unquoted and multi-valued rel', () => {
    expect(nextPageUrl('<https://x/?page=2>; rel=next')).toBe('https://x/?page=2');
    expect(nextPageUrl('<https://x/?page=2>; rel="prev next"')).toBe('https://x/?page=2');
  });
});

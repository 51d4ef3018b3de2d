import { storedTextProblem, toStoredText } from './index.js';

describe('stored text', () => {
  it('finds NUL characters and lone surrogates, and nothing in well-formed text', () => {
    expect(storedTextProblem('feat/ünïcode 😀\t\n')).toBeNull();
    expect(storedTextProblem('a\u0000b')).toBe('contains a NUL character (\\u0000), which stored text cannot hold');
    expect(storedTextProblem('a\ud800b')).toMatch(/^contains a lone UTF-16 surrogate/);
    expect(storedTextProblem('\udc00')).toMatch(/^contains a lone UTF-16 surrogate/);
    // Both in one string: the NUL is what Postgres refuses, so it is the one named.
    expect(storedTextProblem('\ud83d\u0000')).toMatch(/^contains a NUL/);
  });

  it('cleans: NULs dropped, lone surrogates replaced, pairs and everything else kept', () => {
    expect(toStoredText('fix\u0000 login\u0000')).toBe('fix login');
    expect(toStoredText('a\ud800b😀\udc00')).toBe('a\ufffdb😀\ufffd');
    const fine = 'Add 😀 to the menu';
    expect(toStoredText(fine)).toBe(fine);
    expect(storedTextProblem(toStoredText('\u0000\ud800\udfff\udfff'))).toBeNull();
  });
});

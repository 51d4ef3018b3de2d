import { createGitHubProvider } from './github-provider.js';

describe('createGitHubProvider (no network)', () => {
  it('defaults to github.com and matches the origins it can parse', async () => {
    const provider = createGitHubProvider({ id: 'github' });
    expect(provider.apiBaseUrl).toBe('https://api.github.com');
    expect(provider.webBaseUrl).toBe('https://github.com');
    expect(provider.matchesOrigin('git@github.com:o/r.git')).toBe(true);
    expect(provider.matchesOrigin('https://gitlab.com/o/r.git')).toBe(false);
    expect(provider.parseOrigin('https://x:ghp_t@github.com/o/r.git')).toEqual({
      webBaseUrl: 'https://github.com',
      owner: 'o',
      repo: 'r',
    });
    await provider.close();
  });

  it('uses a configured origin pattern, even a /g one, consistently', async () => {
    const provider = createGitHubProvider({
      id: 'ghe',
      apiBaseUrl: 'https://ghe.corp/api/v3/',
      originPattern: /ghe\.corp|mirror\.corp/g,
    });
    expect(provider.webBaseUrl).toBe('https://ghe.corp');
    expect(provider.matchesOrigin('https://mirror.corp/o/r')).toBe(true);
    expect(provider.matchesOrigin('https://mirror.corp/o/r')).toBe(true);
    expect(provider.matchesOrigin('https://github.com/o/r')).toBe(false);
    await provider.close();
  });
});

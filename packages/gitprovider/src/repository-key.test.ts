import { repositoryKey } from './origin.js';

describe('repositoryKey', () => {
  it.each([
    ['https://github.com/Acme/App', 'github.com/acme/app'],
    ['https://github.com/acme/app.git', 'github.com/acme/app'],
    ['https://github.com/acme/app/', 'github.com/acme/app'],
    ['https://user:token@github.com/acme/app.git', 'github.com/acme/app'],
    ['git@github.com:acme/app.git', 'github.com/acme/app'],
    ['git@GitHub.com:Acme/App', 'github.com/acme/app'],
    ['ssh://git@github.com/acme/app.git', 'github.com/acme/app'],
    ['ssh://git@github.com:2222/acme/app', 'github.com/acme/app'],
    ['http://127.0.0.1:9000/acme/app.git', '127.0.0.1/acme/app'],
    ['git@127.0.0.1:acme/app.git', '127.0.0.1/acme/app'],
    ['https://GitLab.example.com/group/sub/project.git', 'gitlab.example.com/group/sub/project'],
    ['git@gitlab.example.com:group/sub/project.git', 'gitlab.example.com/group/sub/project'],
  ])('%s → %s', (origin, key) => {
    expect(repositoryKey(origin)).toBe(key);
  });

  it.each(['', 'not a url', 'https://github.com/acme', 'https://github.com/acme/../app', 'file:///acme/app'])(
    'names no repository: %s',
    (origin) => {
      expect(repositoryKey(origin)).toBeNull();
    },
  );
});

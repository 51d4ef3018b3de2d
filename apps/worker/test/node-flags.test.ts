import { readFileSync } from 'node:fs';
import path from 'node:path';
import { appNodeFlags } from '@gitsync/config';

describe('node flags', () => {
  it('the npm scripts operators run (docker-compose) start each app with its flags', () => {
    const pkg = JSON.parse(readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    for (const [app, flags] of Object.entries(appNodeFlags)) {
      expect(pkg.scripts[`start:${app}`]).toBe(['node', ...flags, `apps/${app}/dist/main.js`].join(' '));
    }
  });
});

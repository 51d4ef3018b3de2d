import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './compose';

// Plain Node, shared with `npm run lock` (scripts/lockfile.sh).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { missingOptionalPackages, packagesFor } = require('../scripts/lockfile-check.js') as {
  missingOptionalPackages(lock: unknown): string[];
  packagesFor(lock: unknown, os: string, cpu: string): string[];
};

const lock = JSON.parse(readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8'));

describe('package-lock.json', () => {
  it('holds every optional package of every locked package: npm ci installs the same tree on any platform', () => {
    expect(missingOptionalPackages(lock)).toEqual([]);
  });

  it.each([
    [
      'linux',
      'x64',
      ['@swc/core-linux-x64-gnu', '@esbuild/linux-x64', '@turbo/linux-64', '@rolldown/binding-linux-x64-gnu'],
    ],
    [
      'linux',
      'arm64',
      ['@swc/core-linux-arm64-gnu', '@esbuild/linux-arm64', '@turbo/linux-arm64', '@rolldown/binding-linux-arm64-gnu'],
    ],
    [
      'darwin',
      'arm64',
      ['@swc/core-darwin-arm64', '@esbuild/darwin-arm64', '@turbo/darwin-arm64', '@rolldown/binding-darwin-arm64'],
    ],
  ])('locks the %s-%s binaries of the build tools', (os, cpu, binaries) => {
    expect(packagesFor(lock, os, cpu)).toEqual(expect.arrayContaining(binaries));
  });

  it('the check names what a lockfile written on one platform leaves out', () => {
    const partial = {
      packages: {
        '': { devDependencies: { tool: '^1.0.0' } },
        'node_modules/tool': {
          version: '1.0.0',
          optionalDependencies: { 'tool-linux-x64': '1.0.0', 'tool-darwin-arm64': '1.0.0' },
        },
        'node_modules/tool-linux-x64': { version: '1.0.0', os: ['linux'], cpu: ['x64'], optional: true },
        'apps/a': { optionalDependencies: { tool: '^1.0.0' } },
      },
    };
    expect(missingOptionalPackages(partial)).toEqual(['node_modules/tool → tool-darwin-arm64@1.0.0']);
  });
});

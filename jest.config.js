/**
 * One jest run covers every workspace, in three projects (`npm test -- --selectProjects unit`):
 * - unit: beside the code in each workspace's src/ (foo.test.ts by foo.ts), no Postgres, Redis or process;
 * - integration: each workspace's `test/`, on the real Postgres and Redis and the HTTP fakes;
 * - system: the root `test/`, the apps as separate processes (test/system), the image, `npm start`.
 */
const esmOnly = ['@octokit', 'before-after-hook', 'universal-user-agent', 'json-with-bigint', 'content-type'];

/** What every project shares: TypeScript through swc, the workspaces' ESM-only dependencies. */
const common = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j|mj)s$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
      },
    ],
    // The web app's components: JSX with React's automatic runtime. A rule of its own, so .ts
    // files are never parsed as TSX (where `<T>(x) =>` would read as an element).
    '^.+\\.tsx$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', tsx: true },
          transform: { react: { runtime: 'automatic' } },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // Exports only an `import` condition, which jest's CommonJS resolver does not try.
    '^@octokit/webhooks-methods$': '<rootDir>/node_modules/@octokit/webhooks-methods/dist-node/index.js',
  },
};

/** The migrated template each test database is copied from; jest runs it only for a project it runs. */
const withDatabases = { globalSetup: '<rootDir>/packages/testing/global-setup.js' };

/** @type {import('jest').Config} */
module.exports = {
  maxWorkers: 2,
  // Here, not per project: jest reads testTimeout from the top level only.
  testTimeout: 60_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      roots: ['<rootDir>/apps', '<rootDir>/packages'],
      testMatch: ['<rootDir>/{apps,packages}/*/src/**/*.test.ts?(x)'],
    },
    {
      ...common,
      ...withDatabases,
      displayName: 'integration',
      roots: ['<rootDir>/apps', '<rootDir>/packages'],
      testMatch: ['<rootDir>/{apps,packages}/*/test/**/*.test.ts?(x)'],
    },
    {
      ...common,
      ...withDatabases,
      displayName: 'system',
      roots: ['<rootDir>/test'],
      testMatch: ['<rootDir>/test/**/*.test.ts?(x)'],
    },
  ],
};

/** One jest run covers every workspace: unit tests beside the code, integration tests in test/. */
const esmOnly = ['@octokit', 'before-after-hook', 'universal-user-agent', 'json-with-bigint', 'content-type'];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/packages', '<rootDir>/test'],
  testMatch: ['**/*.test.ts?(x)'],
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
  globalSetup: '<rootDir>/packages/testing/global-setup.js',
  testTimeout: 60_000,
  maxWorkers: 2,
};

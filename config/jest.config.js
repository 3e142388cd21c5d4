// One jest run, three projects: pure unit tests, API tests on a real FerretDB, browser tests on the H5 build.
// The FerretDB for a run is started once in globalSetup (fresh data folder, random port) and every test
// file gets its own database name in it, so files never see each other's data.
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const swc = [
  '@swc/jest',
  { jsc: { target: 'es2022', parser: { syntax: 'typescript', tsx: true }, transform: { react: { runtime: 'automatic' } } } },
];
const common = {
  rootDir: root,
  transform: { '^.+\\.(t|j)sx?$': swc },
  moduleNameMapper: { '^@birth/shared$': '<rootDir>/shared/src/index.ts' },
  testEnvironment: 'node',
};

module.exports = {
  rootDir: root,
  // API and browser tests start servers, databases and browsers: on a loaded 2-core machine a hook can
  // take far longer than jest's 5 s default. Tests wait on events and answers, never on time; this limit
  // only says when to give up. Tests that spawn processes set their own, longer ones.
  testTimeout: 60_000,
  globalSetup: '<rootDir>/tests/support/global-setup.ts',
  globalTeardown: '<rootDir>/tests/support/global-teardown.ts',
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/tests/shared/**/*.test.ts',
        '<rootDir>/tests/scripts/**/*.test.ts',
        '<rootDir>/tests/miniapp/**/*.test.ts',
      ],
    },
    { ...common, displayName: 'api', testMatch: ['<rootDir>/tests/bff/**/*.test.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/tests/e2e/**/*.test.ts'] },
  ],
};

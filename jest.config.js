// Two projects: fast unit specs next to the code, and medium/e2e suites under test/
// that talk to real PostgreSQL (embedded), FreeRADIUS and Chromium.
const moduleNameMapper = {
  '^@app/(aaa|portal|router-rpc)$': '<rootDir>/libs/$1/src',
  '^@app/(aaa|portal|router-rpc)/(.*)$': '<rootDir>/libs/$1/src/$2',
};
const transform = { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }] };
const common = { rootDir: __dirname, moduleNameMapper, transform, testEnvironment: 'node' };
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
      testTimeout: 60000,
    },
  ],
};

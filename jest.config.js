// Two projects: fast unit specs next to the code, and medium/e2e suites under test/
// that talk to real PostgreSQL (embedded), FreeRADIUS and Chromium.
const moduleNameMapper = {
  '^@app/(aaa|portal|router-rpc|panel|vouchers)$': '<rootDir>/libs/$1/src',
  '^@app/(aaa|portal|router-rpc|panel|vouchers)/(.*)$': '<rootDir>/libs/$1/src/$2',
};
// content-disposition 3 (used by @fastify/static for Swagger UI) ships ESM only,
// which Jest's CommonJS runtime cannot load: transpile that one package.
const transform = {
  '^.+\\.[tj]s$': ['ts-jest', { isolatedModules: true, diagnostics: false, tsconfig: { allowJs: true } }],
};
const transformIgnorePatterns = ['/node_modules/(?!content-disposition/)'];
const common = { rootDir: __dirname, moduleNameMapper, transform, transformIgnorePatterns, testEnvironment: 'node' };
module.exports = {
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
  ],
};

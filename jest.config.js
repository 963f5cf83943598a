// One jest run, several projects: the fast in-process suites and the suite that runs
// against the real Fabric network started by test/network/global-setup.
const tsJest = ['ts-jest', { tsconfig: 'test/tsconfig.json', isolatedModules: false }];
// A few of fastify's dependencies (light-my-request → cookie, set-cookie-parser; @fastify/static →
// content-disposition) ship ESM only. Node requires them natively; jest's CommonJS runtime cannot,
// so these (and only these) are transpiled to CommonJS.
const esmOnly = ['cookie', 'set-cookie-parser', 'content-disposition'];
const esmToCjs = ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', target: 'ES2022', esModuleInterop: true }, isolatedModules: true }];
const base = (name, extra = {}) => ({
  displayName: name,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': tsJest, '^.+/node_modules/.+\\.js$': esmToCjs },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
  moduleNameMapper: {
    '^@ecch/chaincode$': '<rootDir>/chaincode/src/index.ts',
    '^@ecch/chaincode/(.*)$': '<rootDir>/chaincode/src/$1',
    '^@ecch/gateway-api$': '<rootDir>/gateway-api/src/index.ts',
    '^@ecch/gateway-api/(.*)$': '<rootDir>/gateway-api/src/$1',
    '^@ecch/simulator/(.*)$': '<rootDir>/simulator/src/$1',
  },
  ...extra,
});

module.exports = {
  projects: [
    base('chaincode'),
    base('gateway'),
    base('simulator'),
    base('console', { globalSetup: '<rootDir>/test/console/global-setup.ts' }),
    base('network', {
      globalSetup: '<rootDir>/test/network/global-setup.ts',
      globalTeardown: '<rootDir>/test/network/global-teardown.ts',
    }),
  ],
};

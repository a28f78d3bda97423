// ESM all the way: execa, ora and yargs 18 ship only ESM, so Jest runs with
// --experimental-vm-modules and ts-jest's ESM preset (TypeScript pinned to 5.x:
// TypeScript 7 has no JS API for ts-jest).
export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }],
  },
  testTimeout: 30000,
};

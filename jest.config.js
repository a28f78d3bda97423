// ESM all the way: execa and yargs 18 ship only ESM, so Jest runs with
// --experimental-vm-modules and ts-jest's ESM preset (TypeScript pinned to 5.x:
// TypeScript 7 has no JS API for ts-jest).

/**
 * The tests that start processes (bin/v-auto, kubectl, script(1), cloud-init, netplan) or the
 * simulator: `npm run test:e2e`. Every other test runs in-process, `npm run test:unit`, in seconds
 * of work. `npm test` runs both.
 */
export const E2E_TESTS = [
  '/test/(e2e|hardening|bundle|bin|sim)/.*\\.test\\.ts$',
  '/test/cli/(completion|inspect|young-generation|workspace-lock|error-hints|pipe-output|terminal)\\.test\\.ts$',
  '/test/cluster/oc-runner\\.test\\.ts$',
  '/test/render/cloud-init\\.test\\.ts$',
  '/test/render/cloud-config-differential\\.test\\.ts$',
];

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
  // Jest's default on 2 cores is one worker, but most suites wait on kubectl, the simulator and
  // cloud-init rather than compute: two workers took the suite from 607 s to 424 s on a 2-core
  // machine like CI's (2026-12-07, every test passing both ways).
  maxWorkers: 2,
};

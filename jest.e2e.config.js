// `npm run test:e2e`: the tests that start processes or the simulator (see E2E_TESTS).
import base, { E2E_TESTS } from './jest.config.js';

const { testMatch: _every, ...rest } = base;
export default { ...rest, testRegex: E2E_TESTS };

// `npm run test:compat`: the kubectl version matrix (test/compat), kept out of `npm test` for its run time.
import base from './jest.config.js';

export default { ...base, testMatch: ['**/test/compat/**/*.compat.ts'], testTimeout: 120000 };

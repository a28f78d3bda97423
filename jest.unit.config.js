// `npm run test:unit`: the tests that run in-process (the pure core, commands over a fake cluster, printers).
import base, { E2E_TESTS } from './jest.config.js';

export default { ...base, testPathIgnorePatterns: ['/node_modules/', ...E2E_TESTS] };

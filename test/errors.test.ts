import { VAutoError, ExitCode, usageError } from '../lib/errors.js';

test('usageError carries exit code 2 and the hint', () => {
  const err = usageError('missing spec', 'v-auto demo web inspect');
  expect(err).toBeInstanceOf(VAutoError);
  expect(err.exitCode).toBe(ExitCode.USAGE);
  expect(err.hint).toBe('v-auto demo web inspect');
});

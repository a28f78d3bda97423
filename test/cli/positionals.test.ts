import { ExitCode } from '../../lib/errors.js';
import { resolvePositionals } from '../../lib/cli/positionals.js';
import { errorOf } from '../helpers/workspace.js';

describe('resolvePositionals', () => {
  test.each([
    [['demo', 'web', 'inspect'], {}, ['demo', 'web', 'inspect']],
    [['inspect', 'demo', 'web'], {}, ['demo', 'web', 'inspect']],
    [['demo', 'deploy', 'web'], {}, ['demo', 'web', 'deploy']],
    [['demo', 'web'], { action: 'status' }, ['demo', 'web', 'status']],
    [['web', 'delete'], { project: 'demo' }, ['demo', 'web', 'delete']],
    [['demo', 'inspect'], { spec: 'db' }, ['demo', 'db', 'inspect']],
    [['inspect'], { project: 'p', spec: 's' }, ['p', 's', 'inspect']],
    // Flags win over the words in their place.
    [['demo', 'web', 'inspect'], { spec: 'db' }, ['demo', 'db', 'inspect']],
    [['demo', 'web', 'inspect'], { project: 'other' }, ['other', 'web', 'inspect']],
    [['demo', 'web', 'inspect'], { action: 'status' }, ['demo', 'web', 'status']],
  ])('%j with %j', (words, flags, [project, spec, action]) => {
    expect(resolvePositionals(words, flags)).toEqual({ project, spec, action });
  });

  test.each([
    [
      ['demo', 'web'],
      {},
      'missing action: give one of deploy, delete, status, inspect, diff, start, stop, restart, addresses',
      'example: v-auto demo web inspect',
    ],
    [
      ['inspect'],
      {},
      'missing project: give it as the first word or with --project',
      'example: v-auto demo web inspect',
    ],
    [
      ['demo', 'inspect'],
      {},
      'missing spec: give it after the project or with --spec',
      'example: v-auto demo web inspect',
    ],
    [
      ['demo', 'web', 'deploi'],
      {},
      'unknown action "deploi" (did you mean "deploy"?): give one of deploy, delete, status, inspect, diff, start, stop, restart, addresses',
      'example: v-auto demo web inspect',
    ],
    [
      ['demo', 'web'],
      { action: 'launch' },
      'unknown action "launch": give one of deploy, delete, status, inspect, diff, start, stop, restart, addresses',
      'example: v-auto demo web inspect',
    ],
    [
      ['demo', 'web', 'inspect', 'status'],
      {},
      'more than one action given (inspect, status); give one of deploy, delete, status, inspect, diff, start, stop, restart, addresses',
      'example: v-auto demo web inspect',
    ],
    [
      ['demo', 'web', 'extra', 'inspect'],
      {},
      'unexpected argument "extra"',
      'example: v-auto demo web inspect',
    ],
    [
      ['web', 'inspect'],
      { project: 'demo', spec: 'db' },
      'unexpected argument "web"',
      'example: v-auto demo web inspect',
    ],
    [
      ['demo', '../etc', 'inspect'],
      {},
      'spec "../etc" is not a valid name: letters, digits, "-", "_" or "." (at most 63)',
      'example: v-auto demo web inspect',
    ],
  ])('%j with %j: %s', (words, flags, message, hint) => {
    const err = errorOf(() => resolvePositionals(words, flags));
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toBe(message);
    expect(err.hint).toBe(hint);
  });

  // An action that may act on a whole project: its spec word is optional, the rest of the grammar stays.
  const projectWide = { specOptional: (action: string) => action === 'status' };
  test.each([
    [['demo', 'status'], {}, { project: 'demo', action: 'status' }],
    [['status', 'demo'], {}, { project: 'demo', action: 'status' }],
    [['demo', 'web', 'status'], {}, { project: 'demo', spec: 'web', action: 'status' }],
    [['status'], { project: 'demo' }, { project: 'demo', action: 'status' }],
    [['web', 'status'], { project: 'demo' }, { project: 'demo', spec: 'web', action: 'status' }],
    [['demo'], { action: 'status' }, { project: 'demo', action: 'status' }],
    [['demo', 'status'], { spec: 'db' }, { project: 'demo', spec: 'db', action: 'status' }],
  ])('project-wide: %j with %j', (words, flags, target) => {
    expect(resolvePositionals(words, flags, projectWide)).toEqual(target);
  });

  test.each([
    [['demo', 'inspect'], {}, 'missing spec: give it after the project or with --spec'],
    [['status'], {}, 'missing project: give it as the first word or with --project'],
    [['demo', 'web', 'x', 'status'], {}, 'unexpected argument "x"'],
    [['web', 'status'], { project: 'demo', spec: 'db' }, 'unexpected argument "web"'],
    [
      ['demo', 'we/b', 'status'],
      {},
      'spec "we/b" is not a valid name: letters, digits, "-", "_" or "." (at most 63)',
    ],
  ])('project-wide rules keep the errors: %j with %j', (words, flags, message) => {
    const err = errorOf(() => resolvePositionals(words, flags, projectWide));
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toBe(message);
  });

  test('a missing spec hint uses the project given', () => {
    expect(errorOf(() => resolvePositionals(['shop', 'status'], {})).hint).toBe(
      'example: v-auto shop web status',
    );
  });
});

// Resolves `v-auto [PROJECT] [SPEC] [ACTION]`: the action word may stand anywhere among the words.
import { didYouMean } from '../config/did-you-mean.js';
import { usageError } from '../errors.js';
import { ACTIONS, type Action, type Target } from '../commands/definitions.js';

export interface PositionalRules {
  /**
   * Whether `action` may act on a whole project, so that its spec word is optional
   * (`v-auto demo addresses`). Default: no action. A lone word is then always the project.
   */
  specOptional?: (action: Action) => boolean;
}

const EXAMPLE = 'example: v-auto demo web inspect';
const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/**
 * Flags (`--project`, `--spec`, `--action`) win over positional words. Two words are project and
 * spec; a single word fills the first slot no flag gives (project, then spec); an action that
 * needs a spec and has none is "missing spec".
 */
export function resolvePositionals(
  words: string[],
  flags: { project?: string; spec?: string; action?: string },
  rules: PositionalRules = {},
): Target {
  const actionWords = words.filter((w) => (ACTIONS as readonly string[]).includes(w));
  if (actionWords.length > 1 && !flags.action)
    throw usageError(
      `more than one action given (${actionWords.join(', ')}); give one of ${ACTIONS.join(', ')}`,
      EXAMPLE,
    );
  const rest = words.filter((w) => !(ACTIONS as readonly string[]).includes(w));
  // `demo web deploi`: three words and no action word means the third one is a misspelt action.
  if (!flags.action && !actionWords.length && rest.length === 3) {
    const near = didYouMean(rest[2], ACTIONS);
    throw usageError(
      `unknown action "${rest[2]}"${near ? ` (did you mean "${near}"?)` : ''}: give one of ${ACTIONS.join(', ')}`,
      EXAMPLE,
    );
  }
  const action = flags.action ?? actionWords[0];
  if (!action) throw usageError(`missing action: give one of ${ACTIONS.join(', ')}`, EXAMPLE);
  if (!(ACTIONS as readonly string[]).includes(action))
    throw usageError(`unknown action "${action}": give one of ${ACTIONS.join(', ')}`, EXAMPLE);
  if (rest.length > 2) throw usageError(`unexpected argument "${rest[2]}"`, EXAMPLE);
  const words2 = [...rest];
  const [project, spec] =
    rest.length === 2
      ? [flags.project ?? rest[0], flags.spec ?? rest[1]]
      : [flags.project ?? words2.shift(), flags.spec ?? words2.shift()];
  if (rest.length < 2 && words2.length) throw usageError(`unexpected argument "${words2[0]}"`, EXAMPLE);
  if (!project) throw usageError('missing project: give it as the first word or with --project', EXAMPLE);
  if (!spec && !rules.specOptional?.(action as Action)) {
    throw usageError(
      `missing spec: give it after the project or with --spec`,
      `example: v-auto ${project} web ${action}`,
    );
  }
  for (const [what, value] of [
    ['project', project],
    ['spec', spec],
  ] as const) {
    if (value !== undefined && !NAME.test(value))
      throw usageError(
        `${what} "${value}" is not a valid name: letters, digits, "-", "_" or "." (at most 63)`,
        EXAMPLE,
      );
  }
  return spec === undefined
    ? { project, action: action as Action }
    : { project, spec, action: action as Action };
}

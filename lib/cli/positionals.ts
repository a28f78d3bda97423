// Resolves `v-auto [PROJECT] [SPEC] [ACTION]`: the action word may stand anywhere among the words.
import { usageError } from '../errors.js';

export const ACTIONS = ['deploy', 'delete', 'status', 'inspect'] as const;
export type Action = (typeof ACTIONS)[number];

export interface Target {
  project: string;
  spec: string;
  action: Action;
}

const EXAMPLE = 'example: v-auto demo web inspect';
const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** Flags (`--project`, `--spec`, `--action`) win over positional words. */
export function resolvePositionals(words: string[], flags: { project?: string; spec?: string; action?: string }): Target {
  const actionWords = words.filter((w) => (ACTIONS as readonly string[]).includes(w));
  if (actionWords.length > 1 && !flags.action) throw usageError(`more than one action given (${actionWords.join(', ')}); give one of ${ACTIONS.join(', ')}`, EXAMPLE);
  const rest = words.filter((w) => !(ACTIONS as readonly string[]).includes(w));
  const action = flags.action ?? actionWords[0];
  if (!action) throw usageError(`missing action: give one of ${ACTIONS.join(', ')}`, EXAMPLE);
  if (!(ACTIONS as readonly string[]).includes(action)) throw usageError(`unknown action "${action}": give one of ${ACTIONS.join(', ')}`, EXAMPLE);
  const positional = rest;
  const project = flags.project ?? positional.shift();
  const spec = flags.spec ?? positional.shift();
  if (positional.length) throw usageError(`unexpected argument "${positional[0]}"`, EXAMPLE);
  if (!project) throw usageError('missing project: give it as the first word or with --project', EXAMPLE);
  if (!spec) throw usageError(`missing spec: give it after the project or with --spec`, `example: v-auto ${project} web ${action}`);
  for (const [what, value] of [['project', project], ['spec', spec]] as const) {
    if (!NAME.test(value)) throw usageError(`${what} "${value}" is not a valid name: letters, digits, "-", "_" or "." (at most 63)`, EXAMPLE);
  }
  return { project, spec, action: action as Action };
}

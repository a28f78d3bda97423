// Shell completion: `v-auto completion bash|zsh` prints a script whose completion function calls
// `v-auto __complete WORDS… CURRENT` back, so that actions, flags and names come from commands/definitions.ts
// and from the workspace, the same way a run resolves them.
import { listSpecs, resolveHome } from '../config/load-workspace.js';
import { prepareSettings } from '../pipeline/prepare-manifests.js';
import {
  ACTIONS,
  DEFINITIONS,
  SHELLS,
  flagApplies,
  type Action,
  type Definitions,
  type FlagSpec,
} from '../commands/definitions.js';
import { findFlag, positionalWords } from './parse-args.js';

/** What completing a word may look up: the workspace's projects, specs and instance names. */
export interface CompletionSource {
  projects(): string[];
  specs(project: string): string[];
  /** The instance names the spec plans (with `--replicas` and `--set` from the line). */
  instances(project: string, spec: string, replicas: number | undefined, sets: string[]): string[];
}

/** Printed as the only line when the shell should complete a file or folder name itself. */
export const FILES = ':files';
export const DIRS = ':dirs';

/**
 * The candidates for `current`, the word being completed, after `words` (the words before it,
 * without the command name). Candidates start with `current`; [FILES] or [DIRS] hand over to the shell.
 */
export function completeWords(
  typed: string[],
  current: string,
  source: CompletionSource,
  defs: Definitions = DEFINITIONS,
): string[] {
  const { flags } = defs;
  const flagOf = (word: string) => (word.startsWith('-') ? findFlag(word, flags) : undefined);
  const words = joinEquals(typed);
  if (words[0] === 'completion') return words.length === 1 ? startingWith(current, SHELLS) : [];
  if (words[0] === 'help') return words.length === 1 ? startingWith(current, ACTIONS) : [];
  const last = words[words.length - 1];
  // bash splits `--output=js` into `--output`, `=`, `js`: the value alone is completed.
  if (last?.endsWith('=') && flagOf(last))
    return valuesOf(defs, flagOf(last)!, words.slice(0, -1), current, source);
  // zsh hands over `--output=js` whole.
  const joined = /^(--[a-z-]+)=(.*)$/.exec(current);
  if (joined && flagOf(joined[1]))
    return valuesOf(defs, flagOf(joined[1])!, words, joined[2], source).map((v) =>
      v === FILES || v === DIRS ? v : `${joined[1]}=${v}`,
    );
  const valueFlag = last !== undefined && !last.includes('=') ? flagOf(last) : undefined;
  if (valueFlag && valueFlag.type !== 'boolean') {
    const values = valuesOf(defs, valueFlag, words.slice(0, -1), current, source);
    // `--wait` takes its seconds optionally: the next word may as well be a project or a flag.
    if (!valueFlag.optionalValue) return values;
  }
  const action = actionOf(words, flags);
  if (current.startsWith('-')) {
    const given = new Set(words.map((w) => flagOf(w)?.name));
    const output = !action || defs.commands[action].outputs;
    const offered = flags.filter(
      (f) =>
        (!action || flagApplies(f, action)) &&
        (f.repeat || !given.has(f.name)) &&
        (f.name !== 'output' || output),
    );
    return startingWith(current, [...offered.map((f) => `--${f.name}`), '--help']);
  }
  const { project, spec } = namesOf(words, flags);
  const actions = action ? [] : ACTIONS;
  if (!project)
    return startingWith(current, [
      ...safe(() => source.projects()),
      ...actions,
      ...(words.length ? [] : ['completion', 'help']),
    ]);
  if (!spec) return startingWith(current, [...safe(() => source.specs(project)), ...actions]);
  return startingWith(current, actions);
}

/** `--home`, `=`, `x` (bash's words) as `--home=x`; a trailing `--home`, `=` as `--home=`. */
function joinEquals(words: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    if (words[i].startsWith('-') && words[i + 1] === '=') {
      out.push(`${words[i]}=${words[i + 2] ?? ''}`);
      i += words[i + 2] === undefined ? 1 : 2;
    } else out.push(words[i]);
  }
  return out;
}

/** The project and spec the words name, as a run would read them (--project and --spec win). */
function namesOf(words: string[], flags: readonly FlagSpec[]): { project?: string; spec?: string } {
  const rest = positionalWords(words, flags).filter((w) => !(ACTIONS as readonly string[]).includes(w));
  const project = flagValue(words, 'project', flags) ?? rest.shift();
  return { project, spec: flagValue(words, 'spec', flags) ?? rest.shift() };
}

function valuesOf(
  defs: Definitions,
  flag: FlagSpec,
  words: string[],
  current: string,
  source: CompletionSource,
): string[] {
  const { project, spec } = namesOf(words, defs.flags);
  switch (flag.complete) {
    case 'files':
      return [FILES];
    case 'dirs':
      return [DIRS];
    case 'projects':
      return startingWith(
        current,
        safe(() => source.projects()),
      );
    case 'specs':
      return project
        ? startingWith(
            current,
            safe(() => source.specs(project)),
          )
        : [];
    case 'instances': {
      if (!project || !spec) return [];
      const replicas = Number(flagValue(words, 'replicas', defs.flags));
      return startingWith(
        current,
        safe(() =>
          source.instances(
            project,
            spec,
            Number.isInteger(replicas) && replicas > 0 ? replicas : undefined,
            allFlagValues(words, 'set', defs.flags),
          ),
        ),
      );
    }
  }
  const action = actionOf(words, defs.flags);
  const outputs = flag.name === 'output' && action ? defs.commands[action].outputs : undefined;
  return startingWith(current, outputs ?? flag.choices ?? []);
}

/** The action the words name (the action word, or --action). */
function actionOf(words: string[], flags: readonly FlagSpec[]): Action | undefined {
  const isAction = (w: string) => (ACTIONS as readonly string[]).includes(w);
  const named = flagValue(words, 'action', flags) ?? positionalWords(words, flags).find(isAction);
  return named !== undefined && isAction(named) ? (named as Action) : undefined;
}

/** The last value given to a flag (`--home x`, `--home=x`). */
function flagValue(words: string[], name: string, flags: readonly FlagSpec[]): string | undefined {
  return allFlagValues(words, name, flags).pop();
}

function allFlagValues(words: string[], name: string, flags: readonly FlagSpec[]): string[] {
  const values: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const flag = words[i].startsWith('-') ? findFlag(words[i], flags) : undefined;
    if (flag?.name !== name) continue;
    if (words[i].includes('=')) values.push(words[i].slice(words[i].indexOf('=') + 1));
    else if (flag.type !== 'boolean' && words[i + 1] !== undefined) values.push(words[++i]);
  }
  return values;
}

function startingWith(current: string, candidates: readonly string[]): string[] {
  return [...new Set(candidates)].filter((c) => c.startsWith(current));
}

/** A workspace that cannot be read (a spec with an error, no such project) completes nothing. */
function safe(list: () => string[]): string[] {
  try {
    return list();
  } catch {
    return [];
  }
}

/** The workspace as a run with these words would find it: --home, else V_AUTO_HOME, else ./projects, else the tool's folder. */
export function workspaceSource(
  typed: string[],
  env: Record<string, string | undefined>,
  cwd: string,
  toolRoot: string,
): CompletionSource {
  const words = joinEquals(typed);
  const home = () =>
    resolveHome(flagValue(words, 'home', DEFINITIONS.flags) ?? env.V_AUTO_HOME, cwd, toolRoot);
  return {
    projects: () => [...new Set(listSpecs(home()).map((s) => s.project))],
    specs: (project) =>
      listSpecs(home())
        .filter((s) => s.project === project)
        .map((s) => s.spec),
    instances: (project, spec, replicas, sets) => {
      const { plan } = prepareSettings({ home: home(), project, spec, replicas, sets }, { toolRoot, env });
      return plan.instances.map((i) => i.name);
    },
  };
}

/**
 * The completion script for `shell`. `bin` is the program that printed it (an absolute path), so
 * that completion works from a checkout or an unpacked bundle without `v-auto` on PATH; when that
 * file has gone, the script falls back to `v-auto` on PATH.
 */
export function completionScript(shell: (typeof SHELLS)[number], bin: string): string {
  const quoted = `'${bin.replace(/'/g, `'\\''`)}'`;
  if (shell === 'bash') {
    return `# v-auto completion for bash. Install: v-auto completion bash > ~/.local/share/bash-completion/completions/v-auto
# (or add: source <(v-auto completion bash) to ~/.bashrc).
_v_auto() {
  local bin=${quoted} cur="\${COMP_WORDS[COMP_CWORD]}" out
  [ -x "$bin" ] || bin=v-auto
  COMPREPLY=()
  out=$("$bin" __complete "\${COMP_WORDS[@]:1:COMP_CWORD-1}" "$cur" 2>/dev/null) || return 0
  case "$out" in
    ${FILES}) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return 0 ;;
    ${DIRS}) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -d -- "$cur"); return 0 ;;
  esac
  [ -n "$out" ] && mapfile -t COMPREPLY <<<"$out"
  return 0
}
complete -F _v_auto v-auto
`;
  }
  return `#compdef v-auto
# v-auto completion for zsh. Install: v-auto completion zsh > "\${fpath[1]}/_v-auto" (then restart zsh),
# or add: source <(v-auto completion zsh) to ~/.zshrc after compinit.
_v-auto() {
  local bin=${quoted}
  [[ -x $bin ]] || bin=v-auto
  local -a out
  out=("\${(@f)$("$bin" __complete "\${(@)words[2,CURRENT-1]}" "\${words[CURRENT]}" 2>/dev/null)}")
  case $out[1] in
    ${FILES}) _files; return ;;
    ${DIRS}) _directories; return ;;
  esac
  out=(\${out:#})
  (( $#out )) && compadd -Q -- "\${out[@]}"
}
if [[ $funcstack[1] == _v-auto ]]; then _v-auto "$@"; else compdef _v-auto v-auto; fi
`;
}

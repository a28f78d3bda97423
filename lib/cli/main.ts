// The CLI: argv → options → action; the one place that turns errors into messages and exit codes.
import { resolveHome } from '../config/load-workspace.js';
import { ExitCode, VAutoError } from '../errors.js';
import { inspect } from '../actions/inspect.js';
import { processOutput, type Output } from '../report/output.js';
import { findToolRoot, readVersion } from '../tool-root.js';
import { parseArgs, type CliOptions } from './parse-args.js';
import { promptSecret } from './prompt.js';

/** Runs v-auto with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  const output = processOutput(env);
  try {
    const toolRoot = findToolRoot();
    const parsed = await parseArgs(argv, readVersion(toolRoot), env);
    if (parsed.kind === 'print') {
      output.out(`${parsed.text}\n`);
      return ExitCode.OK;
    }
    return await run(parsed.options, toolRoot, env, output);
  } catch (err) {
    return reportError(err, env, output);
  }
}

async function run(options: CliOptions, toolRoot: string, env: Record<string, string | undefined>, output: Output): Promise<number> {
  const spec = {
    home: resolveHome(options.home, process.cwd(), toolRoot),
    project: options.project,
    spec: options.spec,
    replicas: options.replicas,
    target: options.target,
    sets: options.sets,
  };
  const deps = {
    toolRoot,
    env,
    output,
    promptSecret: process.stdin.isTTY && process.stderr.isTTY ? promptSecret : undefined,
  };
  switch (options.action) {
    case 'inspect':
      return inspect({ ...spec, output: options.output, showSecrets: options.showSecrets }, deps);
    default:
      output.err(`v-auto: ${options.action} is not implemented yet\n`);
      return ExitCode.USAGE;
  }
}

function reportError(err: unknown, env: Record<string, string | undefined>, output: Output): number {
  if (err instanceof VAutoError) {
    output.err(`v-auto: ${err.message}\n`);
    if (err.hint) output.err(`hint: ${err.hint}\n`);
    if (env.V_AUTO_DEBUG === '1' && err.cause) output.err(`${String((err.cause as Error).stack ?? err.cause)}\n`);
    return err.exitCode;
  }
  const e = err as Error;
  output.err(`v-auto: internal error: ${e?.message ?? String(err)}\nThis is a bug in v-auto; rerun with V_AUTO_DEBUG=1 to see where it happened.\n`);
  if (env.V_AUTO_DEBUG === '1') output.err(`${e?.stack}\n`);
  return 70;
}

// The CLI: argv → options → action; the one place that turns errors into messages and exit codes.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ClusterDeps } from '../commands/cluster-deps.js';
import type { SpecOptions } from '../pipeline/prepare-manifests.js';
import type { ClusterClient } from '../cluster/cluster-client.js';
import { isConnectionEnv } from '../cluster/connection-env.js';
import { resolveHome, workspaceEnvNames, type ParsedFiles } from '../config/load-workspace.js';
import { ExitCode, interruptedError, usageError, VAutoError } from '../errors.js';
import { printableLines } from '../printable.js';
import { processOutput, type Output } from '../report/output.js';
import type { LiveStream } from '../report/live-view.js';
import { ResultRecorder } from '../report/result-document.js';
import { textReporter, type Reporter } from '../report/reporter.js';
import type { ActivityLine } from '../report/activity-line.js';
import { findToolRoot, readVersion } from '../tool-root.js';
import {
  COMMANDS,
  COMPLETION_USAGE,
  SHELLS,
  commandOptions,
  type CliOptions,
  type CommandSpec,
} from '../commands/definitions.js';
import { parseArgs } from './parse-args.js';
import { confirm, promptSecret } from './prompt.js';
import { acquireLock, acquireSharedNetworkLock } from './workspace-lock.js';

type Env = Record<string, string | undefined>;

/** The signals that interrupt a run (exit 130). */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** How long a second run of the same spec waits for the first before giving up (V_AUTO_LOCK_WAIT_MS overrides). */
const LOCK_WAIT_MS = 10_000;

/** What main reads and writes besides argv and env: injectable, so that CLI tests run it in-process. */
export interface CliIo {
  output: Output;
  cwd: string;
  /** stdin and stderr are a terminal: v-auto may ask (confirmations, secret values). */
  interactive: boolean;
  /** stderr, when it is a terminal: where the live view draws. */
  terminal?: LiveStream;
  /** The program the completion script calls back. */
  program: string;
  /** The cluster to talk to instead of one reached through oc (tests). */
  cluster?: ClusterClient;
}

/** This process's streams, working directory and program. */
export function processIo(env: Env): CliIo {
  return {
    output: processOutput(env),
    cwd: process.cwd(),
    interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
    terminal: process.stderr.isTTY ? process.stderr : undefined,
    program: path.resolve(process.argv[1] ?? 'v-auto'),
  };
}

/** Runs v-auto with `argv` (without node and script); resolves to the exit code. */
export async function main(
  argv: string[],
  env: Env = process.env,
  io: CliIo = processIo(env),
): Promise<number> {
  let { output } = io;
  const abort = new AbortController();
  let activity: ActivityLine | undefined;
  // Ctrl-C, a cron/systemd timeout's SIGTERM, or SIGHUP (the ssh session dropped) ends the running
  // oc or the open prompt and unwinds (terminal restored, lock released, exit 130). The listeners
  // stay for the whole run: execa's exit handler re-raises the signal when it finds itself the
  // only listener.
  const onSignal = () => abort.abort();
  for (const s of SIGNALS) process.on(s, onSignal);
  try {
    const toolRoot = findToolRoot();
    if (argv[0] === '__complete' || argv[0] === 'completion')
      return await completion(argv, toolRoot, env, io);
    const parsed = await parseArgs(argv, readVersion(toolRoot), env);
    if (parsed.kind === 'print') {
      output.out(`${parsed.text}\n`);
      await output.flush?.();
      return ExitCode.OK;
    }
    const { options } = parsed;
    // The lock is released inside run: a failed write found below is reported after it.
    const document = options.output === 'json' && (COMMANDS[options.action] as CommandSpec).results;
    // What a step is doing, on a terminal that can show it; erased before anything is written.
    if (!document && io.terminal && env.TERM !== 'dumb' && env.V_AUTO_DEBUG !== '1') {
      const { activityLine, settlingOutput } = await import('../report/activity-line.js');
      activity = activityLine(io.terminal);
      output = settlingOutput(output, activity);
    }
    const code = document
      ? await runForDocument(options, toolRoot, env, io, abort.signal)
      : await run(options, toolRoot, env, { ...io, output }, abort.signal, textReporter(output, activity));
    // A signal that came while nothing was waiting on it (a render, say) still ends the run as one.
    if (abort.signal.aborted) throw interruptedError();
    await output.flush?.();
    return code;
  } catch (err) {
    return reportErrorOf(abort.signal.aborted ? interruptedError() : err, env, output);
  } finally {
    activity?.settle();
    for (const s of SIGNALS) process.off(s, onSignal);
    // An oc that nothing awaits any more ends with the run: a read started before bad input was
    // refused would otherwise keep node (and cron) waiting up to its request timeouts.
    abort.abort();
  }
}

/**
 * `v-auto completion SHELL` prints the script; the script calls `v-auto __complete WORDS… CURRENT`
 * on each Tab, which prints the candidates one per line (and never fails: a Tab must not print errors).
 */
async function completion(argv: string[], toolRoot: string, env: Env, io: CliIo): Promise<number> {
  const { output } = io;
  const { completeWords, completionScript, workspaceSource } = await import('./completion.js');
  if (argv[0] === '__complete') {
    const words = argv.slice(1, -1);
    const candidates = completeWords(
      words,
      argv[argv.length - 1] ?? '',
      workspaceSource(words, env, io.cwd, toolRoot),
    );
    output.out(candidates.map((c) => `${c}\n`).join(''));
    return ExitCode.OK;
  }
  const shell = argv[1];
  if (argv.length !== 2 || !(SHELLS as readonly string[]).includes(shell)) {
    throw usageError(
      `completion takes one shell: ${SHELLS.join(' or ')}${shell && argv.length === 2 ? `, got "${shell}"` : ''}`,
      `usage: ${COMPLETION_USAGE}; see docs/install.md ("Shell completion") for how to install it`,
    );
  }
  // The program that is running, so that the script works from a checkout or a bundle without PATH.
  output.out(completionScript(shell as (typeof SHELLS)[number], io.program));
  return ExitCode.OK;
}

async function run(
  options: CliOptions,
  toolRoot: string,
  env: Env,
  io: CliIo,
  signal: AbortSignal,
  report: Reporter,
): Promise<number> {
  const { output } = io;
  const home = resolveHome(options.home, io.cwd, toolRoot);
  const specOf = (name: string) => ({
    home,
    project: options.project,
    spec: name,
    replicas: options.replicas,
    target: options.target,
    sets: options.sets,
  });
  const { interactive } = io;
  // A prompt writes to the terminal itself: the activity line goes first.
  const ask = interactive
    ? (variable: string) => (report.activity(), promptSecret(variable, signal))
    : undefined;
  // What oc and its credential plugins see: the variables that env: references read are taken out
  // once the settings name them, except those oc needs to connect (the runner also leaves out V_AUTO_*).
  const childEnv: Env = { ...env };
  const hideEnv = (names: string[]) =>
    names.filter((n) => !isConnectionEnv(n)).forEach((n) => delete childEnv[n]);
  const debug = env.V_AUTO_DEBUG === '1' ? (line: string) => output.err(`debug: ${line}\n`) : undefined;
  if (options.action === 'inspect') {
    // Loaded on demand, like the cluster side below: cold start only pays for what the action uses.
    const { inspect } = await import('../commands/inspect.js');
    const { printInspect } = await import('../report/inspect-report.js');
    // resolvePositionals gives every action that is not project-wide its spec.
    const spec = specOf(options.spec!);
    const result = await inspect(
      { ...spec, showSecrets: options.showSecrets },
      { toolRoot, env, promptSecret: ask },
    );
    report.planWarnings(result.prepared.plan, result.prepared.warnings);
    output.out(printInspect(result, options.output, options.sets));
    return ExitCode.OK;
  }
  const { OcRunner, resolveBinary } = await import('../cluster/oc-runner.js');
  // Redrawn in place on a terminal that can move its cursor; debug lines would be drawn over.
  const live =
    io.terminal &&
    env.TERM !== 'dumb' &&
    !debug &&
    (options.wait !== undefined || options.action === 'restart' || options.restart)
      ? await liveFactory(io.terminal)
      : undefined;
  let cluster: ClusterClient | undefined;
  const parsedFiles: ParsedFiles = new Map();
  const deps: ClusterDeps = {
    toolRoot,
    env,
    // A whole-project run plans each spec once, for its own action and for every other spec's address check.
    specPlans: new Map(),
    parsedFiles,
    report,
    signal,
    promptSecret: ask,
    confirm: interactive ? (question: string) => (report.activity(), confirm(question, signal)) : undefined,
    hideEnv,
    live,
    graceSeconds: waitGrace(env),
    lockSharedNetworks: options.dryRun
      ? undefined
      : () => acquireSharedNetworkLock(home, options.project, { waitMs: lockWaitMs(env), signal }),
    cluster: () => {
      if (io.cluster) return io.cluster;
      if (!cluster) {
        // kubectl would only say "stat …: no such file or directory", after v-auto had said nothing.
        if (options.kubeconfig !== undefined && !existsSync(path.resolve(options.kubeconfig))) {
          throw usageError(
            `--kubeconfig ${options.kubeconfig}: no such file`,
            'give the path of your kubeconfig (oc login writes ~/.kube/config), or leave --kubeconfig out to use $KUBECONFIG or ~/.kube/config',
          );
        }
        // kubectl skips KUBECONFIG files that do not exist; with none left (and no in-cluster
        // service account) it talks to localhost:8080 and says "connection refused".
        const listed =
          options.kubeconfig === undefined && !env.KUBERNETES_SERVICE_HOST
            ? (env.KUBECONFIG ?? '').split(path.delimiter).filter(Boolean)
            : [];
        if (listed.length > 0 && !listed.some((f) => existsSync(path.resolve(f)))) {
          throw usageError(
            `KUBECONFIG=${env.KUBECONFIG}: none of these files exists`,
            'point KUBECONFIG at your kubeconfig (oc login writes ~/.kube/config), unset it, or give --kubeconfig',
          );
        }
        const { binary, notice } = resolveBinary(options.oc, env.PATH);
        // Not on every run: from cron it would be mailed each time (V_AUTO_OC or --oc choose one).
        if (notice) debug?.(notice);
        // With nothing at all, kubectl talks to localhost:8080 and asks "did you specify the right
        // host or port?": the first contact of a user who has not logged in yet.
        const kubeHome = env.HOME || os.homedir();
        if (
          options.kubeconfig === undefined &&
          !env.KUBECONFIG &&
          !env.KUBERNETES_SERVICE_HOST &&
          !existsSync(path.join(kubeHome, '.kube', 'config'))
        ) {
          throw usageError(
            'no cluster to talk to: no kubeconfig was found (~/.kube/config, KUBECONFIG, --kubeconfig)',
            'log in first: "oc login https://api.<cluster>:6443" writes ~/.kube/config; or give the file with --kubeconfig PATH',
          );
        }
        // Before the first oc call: every spec's env: variables, not only those planned so far.
        hideEnv(workspaceEnvNames(home, parsedFiles));
        cluster = new OcRunner({
          binary,
          kubeconfig: options.kubeconfig,
          context: options.context,
          requestTimeout: options.requestTimeout,
          signal,
          debug,
          env: childEnv,
        });
      }
      return cluster;
    },
  };
  if (options.action === 'addresses') {
    // One spec or, without one, the whole project: addresses reads options.spec itself (no lock: it reads only).
    const { addresses, addressesCode } = await import('../commands/addresses.js');
    const { ledgerDocument, ledgerReport } = await import('../report/address-ledger-report.js');
    const result = await addresses({ ...specOf(options.spec ?? ''), spec: options.spec }, deps);
    output.out(
      options.output === 'table' ? ledgerReport(result.view) : ledgerDocument(result.view, options.output),
    );
    for (const warning of result.view.warnings ?? []) output.err(`v-auto: warning: ${warning}\n`);
    const error = result.clusterError;
    if (error)
      output.err(
        `v-auto: cluster not read, the ledger shows the plan only: ${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ''}`,
      );
    if (result.problems.length) output.err(`v-auto: ${result.problems.join(', ')} (listed above)\n`);
    return addressesCode(result);
  }
  // Without a spec (`v-auto demo deploy`): every spec of the project, in spec file name order.
  if (options.spec === undefined) {
    const { listProjectSpecs } = await import('../config/load-workspace.js');
    const { forEachSpec, statusProject } = await import('../commands/project.js');
    const project = { home, project: options.project, specs: listProjectSpecs(home, options.project) };
    const reportError = (err: unknown, spec: string) =>
      reportErrorOf(err, env, output, `${options.project}/${spec}: `);
    if (options.action === 'status') {
      const { projectStatusDocument, projectStatusReport } = await import('../report/status-report.js');
      const s = await statusProject(project, { ...deps, reportError });
      output.out(
        options.output === 'table'
          ? projectStatusReport(s.project, s.entries, s.orphans)
          : projectStatusDocument(s.project, s.entries, s.orphans, options.output),
      );
      return s.code;
    }
    // Delete goes the other way (web, then db): what was deployed last, and may depend on the
    // rest, goes first. The locks are taken in name order whatever the action.
    const order = options.action === 'delete' ? [...project.specs].reverse() : project.specs;
    return withLock(options, home, project.specs, env, signal, () =>
      forEachSpec(
        { ...project, specs: order, failFast: options.failFast, orphans: options.action === 'delete' },
        (spec) => runSpec(options, specOf(spec), deps, output),
        { ...deps, reportError },
      ),
    );
  }
  const spec = specOf(options.spec);
  return options.action === 'status' || options.action === 'diff'
    ? runSpec(options, spec, deps, output)
    : withLock(options, home, [spec.spec], env, signal, () => runSpec(options, spec, deps, output));
}

/** One spec's cluster action (its lock, when it takes one, is already held). */
async function runSpec(
  options: CliOptions,
  spec: SpecOptions,
  deps: ClusterDeps,
  output: Output,
): Promise<number> {
  switch (options.action) {
    case 'status': {
      const { status, statusCode } = await import('../commands/status.js');
      const { statusDocument, statusReport } = await import('../report/status-report.js');
      const view = await status(spec, deps);
      output.out(options.output === 'table' ? statusReport(view) : statusDocument(view, options.output));
      return statusCode(view);
    }
    case 'diff': {
      const { diff, diffCode } = await import('../commands/diff.js');
      const { diffOutput } = await import('../report/plan-report.js');
      const result = await diff(spec, deps);
      output.out(diffOutput(result, options.output));
      return diffCode(result);
    }
    case 'deploy': {
      const { deploy } = await import('../commands/deploy.js');
      return deploy({ ...spec, ...commandOptions('deploy', options) }, deps);
    }
    case 'start':
    case 'stop': {
      const { startStop } = await import('../commands/lifecycle.js');
      return startStop(options.action, spec, deps);
    }
    case 'restart': {
      const { restart, rollOptions } = await import('../commands/lifecycle.js');
      return restart({ ...spec, ...rollOptions(commandOptions('restart', options)) }, deps);
    }
    case 'delete': {
      const { deleteSpec } = await import('../commands/delete.js');
      return deleteSpec({ ...spec, ...commandOptions('delete', options) }, deps);
    }
    case 'inspect':
    case 'addresses':
      throw new Error(`${options.action} is not run per spec here`);
  }
}

/**
 * `-o json` of an action that reports result lines: the run writes nothing else on stdout, and the
 * one document (results, summary, exit code, and the error when there was one) comes last.
 */
async function runForDocument(
  options: CliOptions,
  toolRoot: string,
  env: Env,
  io: CliIo,
  signal: AbortSignal,
): Promise<number> {
  const { output } = io;
  const json = new ResultRecorder(output);
  let code: number;
  let error: { message: string; hint?: string } | undefined;
  try {
    // Nothing but the document goes to stdout: what else the run says goes to stderr.
    code = await run(
      options,
      toolRoot,
      env,
      { ...io, output: { ...output, out: output.err, isTTY: false, color: false } },
      signal,
      json,
    );
  } catch (err) {
    const reported = signal.aborted ? interruptedError() : err;
    code = reportErrorOf(reported, env, output);
    error =
      reported instanceof VAutoError
        ? { message: printableLines(reported.message), hint: reported.hint && printableLines(reported.hint) }
        : { message: 'internal error: a bug in v-auto' };
  }
  output.out(`${JSON.stringify(json.document(options.action, code, error), null, 2)}\n`);
  return code;
}

/**
 * Changes to one project/spec never run twice at once (overlapping cron jobs). A run over every
 * spec of the project takes each spec's lock, in the same (name) order, before it starts and holds
 * them all to its end: a run of one spec never interleaves with it, two whole-project runs cannot
 * deadlock, and a busy spec (exit 4) stops the whole run before anything is sent.
 */
async function withLock(
  options: CliOptions,
  home: string,
  specs: string[],
  env: Env,
  signal: AbortSignal,
  action: () => Promise<number>,
): Promise<number> {
  if (options.dryRun) return action();
  // A project folder that does not exist takes no lock: the action reports it with the list of
  // projects. Any other failure to lock (no write access…) stops the run before it changes anything.
  const releases: (() => void)[] = [];
  try {
    for (const spec of specs)
      releases.push(await acquireLock(home, options.project, spec, { waitMs: lockWaitMs(env), signal }));
    return await action();
  } finally {
    for (const release of releases.reverse()) release();
  }
}

/** V_AUTO_WAIT_GRACE: seconds of grace for every state that has one (see GRACE_SECONDS), e.g. 900 for slow storage. */
function waitGrace(env: Env): number | undefined {
  const raw = env.V_AUTO_WAIT_GRACE;
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+(\.\d+)?$/.test(raw.trim()))
    throw usageError(
      `V_AUTO_WAIT_GRACE: expected a number of seconds, got "${raw}"`,
      'for example V_AUTO_WAIT_GRACE=600; unset it for the default 300 s',
    );
  return Number(raw);
}

function lockWaitMs(env: Env): number {
  const ms = env.V_AUTO_LOCK_WAIT_MS ? Number(env.V_AUTO_LOCK_WAIT_MS) : NaN;
  return Number.isFinite(ms) && ms >= 0 ? ms : LOCK_WAIT_MS;
}

async function liveFactory(terminal: LiveStream) {
  const { liveView } = await import('../report/live-view.js');
  return () => liveView(terminal);
}

/** Prints an error (`v-auto: [where]message`, `hint: …`) and says its exit code. */
function reportErrorOf(err: unknown, env: Env, output: Output, where = ''): number {
  if (err instanceof VAutoError) {
    // Messages may quote the cluster or a file: their lines are ours, the characters made printable.
    output.err(`v-auto: ${where}${printableLines(err.message)}\n`);
    if (err.hint) output.err(`hint: ${printableLines(err.hint)}\n`);
    if (env.V_AUTO_DEBUG === '1' && err.cause)
      output.err(`${String((err.cause as Error).stack ?? err.cause)}\n`);
    return err.exitCode;
  }
  const e = err as Error;
  output.err(
    `v-auto: internal error: ${e?.message ?? String(err)}\nThis is a bug in v-auto; rerun with V_AUTO_DEBUG=1 to see where it happened.\n`,
  );
  if (env.V_AUTO_DEBUG === '1') output.err(`${e?.stack}\n`);
  return ExitCode.INTERNAL;
}

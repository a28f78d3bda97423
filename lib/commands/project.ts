// Actions on every spec of a project (`v-auto demo deploy`): each spec in turn, one summary, the worst exit code.
import { byFoldedText, byNumberedName, byText } from '../text-order.js';
import { ExitCode, VAutoError } from '../errors.js';
import type { ProjectStatusEntry } from '../report/status-report.js';
import type { ClusterDeps } from './cluster-deps.js';
import type { Orphan, ProjectSpecOutcome } from '../report/reporter.js';
import { prepareSettings } from '../pipeline/prepare-manifests.js';
import { LABEL, projectSelector, selectorString } from '../model/ownership.js';
import { readProjectObjects, statusCode, statusView } from './status.js';
import { planSpec } from '../pipeline/workspace-plans.js';
import type { K8sObject } from '../cluster/k8s-object.js';

export interface ProjectOptions {
  home: string;
  project: string;
  /** The project's specs, in the order they are acted on (listProjectSpecs: spec file name order). */
  specs: string[];
}

export interface ProjectDeps {
  signal?: AbortSignal;
  /** Prints an error of one spec the way the CLI does (message, hint) and says its exit code. */
  reportError: (err: unknown, spec: string) => number;
}

/**
 * The exit code of a whole-project run: the highest of its specs' codes, so that 130 (interrupted)
 * outranks 70 (a bug), which outranks 4, 3, 2 and 1, and 0 only when every spec is 0.
 */
export function worstCode(codes: number[]): number {
  return codes.reduce((a, b) => Math.max(a, b), ExitCode.OK);
}

/**
 * Runs `run` for each spec in order, each under a `=== project/spec ===` heading, and ends with one
 * summary line. A spec that fails (exit 1, or an error such as a configuration mistake, exit 2) does
 * not stop the others, unless `failFast`; an interrupt (Ctrl-C, SIGTERM) always stops the run.
 */
export async function forEachSpec(
  options: ProjectOptions & { failFast: boolean; orphans?: boolean },
  run: (spec: string) => Promise<number>,
  deps: ClusterDeps & ProjectDeps,
): Promise<number> {
  const { report } = deps;
  const results: ProjectSpecOutcome[] = options.specs.map((spec) => ({ spec }));
  for (const [i, entry] of results.entries()) {
    report.specBegins(options.project, entry.spec, i === 0);
    try {
      entry.code = await run(entry.spec);
    } catch (err) {
      if (stopsTheRun(err, deps)) throw err;
      entry.code = deps.reportError(err, entry.spec);
      // Printed above; kept for -o json too, where the spec has no other entry to say why it failed.
      entry.error =
        err instanceof VAutoError
          ? { message: err.message, ...(err.hint !== undefined && { hint: err.hint }) }
          : { message: `internal error: ${String((err as Error)?.message ?? err)}` };
    }
    if (entry.code !== ExitCode.OK && options.failFast) break;
  }
  report.projectDone(options.project, results);
  // After a whole-project delete: the project's VMs that no spec file accounts for, named.
  if (options.orphans) {
    try {
      report.orphans(options.project, await findOrphans(options, undefined, deps));
    } catch (err) {
      if (stopsTheRun(err, deps) || !(err instanceof VAutoError)) throw err;
      report.orphansUnknown(err.message);
    }
  }
  return worstCode(results.flatMap((r) => (r.code === undefined ? [] : [r.code])));
}

/** An interrupt (Ctrl-C, SIGTERM) or an output that cannot be written (exit 74) ends the whole run, not one spec. */
function stopsTheRun(err: unknown, deps: { signal?: AbortSignal }): boolean {
  return (
    Boolean(deps.signal?.aborted) ||
    (err instanceof VAutoError && (err.exitCode === ExitCode.INTERRUPTED || err.exitCode === ExitCode.OUTPUT))
  );
}

/**
 * `v-auto demo status`: every instance of every spec in one table, from one read per namespace by
 * the project's labels (no events: `v-auto demo SPEC status` shows those), which also names the VMs
 * of spec files that are gone. A spec that cannot be prepared or read is reported and counted, and
 * the others are still shown. Exit: the worst of the specs' status codes.
 */
export async function statusProject(
  options: ProjectOptions,
  deps: ClusterDeps & ProjectDeps,
): Promise<ProjectStatus> {
  const failed = (spec: string, err: unknown): ProjectStatusEntry => {
    if (stopsTheRun(err, deps)) throw err;
    return {
      spec,
      code: deps.reportError(err, spec),
      error: err instanceof VAutoError ? err.message : String((err as Error)?.message ?? err),
    };
  };
  const prepared = options.specs.map((spec) => {
    try {
      return {
        spec,
        planned: prepareSettings({ home: options.home, project: options.project, spec, sets: [] }, deps),
      };
    } catch (err) {
      return { spec, entry: failed(spec, err) };
    }
  });
  const namespaces = [
    ...new Set(prepared.flatMap((p) => (p.planned ? [p.planned.settings.namespace] : []))),
  ].sort();
  type Read = { found: { items: K8sObject[]; unreadable: string[] } } | { error: unknown };
  // The instances its specs plan there: how large the read is expected to be.
  const instancesIn = (ns: string) =>
    prepared.reduce(
      (sum, p) => sum + (p.planned?.settings.namespace === ns ? p.planned.plan.instances.length : 0),
      0,
    );
  const readOne = (ns: string): Promise<Read> =>
    readProjectObjects(deps, options.project, ns, instancesIn(ns)).then(
      (found) => ({ found }),
      (error: unknown) => ({ error }),
    );
  // One namespace after another: each read is already one oc call, or one per kind side by side.
  const reads = new Map<string, Read>();
  for (const ns of namespaces) reads.set(ns, await readOne(ns));
  const entries = prepared.map(({ spec, planned, entry }): ProjectStatusEntry => {
    if (!planned) return entry!;
    const read = reads.get(planned.settings.namespace)!;
    if ('error' in read) return failed(spec, read.error);
    const view = statusView(planned, read.found, []);
    return { spec, view, code: statusCode(view) };
  });
  const orphans = sortOrphans(
    namespaces.flatMap((ns) => {
      const read = reads.get(ns)!;
      return 'found' in read
        ? orphansIn(
            ns,
            read.found.items.filter((o) => o.kind === 'VirtualMachine'),
            options.specs,
          )
        : [];
    }),
  );
  return { project: options.project, entries, orphans, code: worstCode(entries.map((e) => e.code)) };
}

/** A whole project's status: each spec's view (or its error), the VMs of removed spec files, the exit code. */
export interface ProjectStatus {
  project: string;
  entries: ProjectStatusEntry[];
  orphans: Orphan[];
  code: number;
}

/**
 * The project's VMs whose `v-auto/spec` names no spec file of the project (a spec file removed or
 * renamed while its VMs ran): one list of VirtualMachines by the project's labels per namespace the
 * specs use (`namespaces`; when undefined, from each spec's plan, which the run has made). A whole-project run
 * cannot act on them, so it names them.
 */
export async function findOrphans(
  options: ProjectOptions,
  namespaces: string[] | undefined,
  deps: ClusterDeps,
): Promise<Orphan[]> {
  const known =
    namespaces ??
    options.specs.flatMap((spec) => {
      try {
        return [planSpec({ home: options.home, project: options.project, spec }, deps).settings.namespace];
      } catch {
        return []; // reported by the run itself
      }
    });
  const orphans: Orphan[] = [];
  for (const namespace of [...new Set(known)].sort()) {
    const vms = await deps
      .cluster()
      .list(namespace, ['VirtualMachine'], selectorString(projectSelector({ project: options.project })));
    orphans.push(...orphansIn(namespace, vms, options.specs));
  }
  return sortOrphans(orphans);
}

/** The VMs of one namespace (read by the project's labels) whose `v-auto/spec` is none of `specs`, by spec. */
function orphansIn(namespace: string, vms: K8sObject[], specs: string[]): Orphan[] {
  const orphans: Orphan[] = [];
  for (const vm of vms) {
    const spec = vm.metadata.labels?.[LABEL.spec];
    if (spec === undefined || specs.includes(spec)) continue;
    const entry =
      orphans.find((o) => o.spec === spec) ?? orphans[orphans.push({ namespace, spec, vms: [] }) - 1];
    entry.vms.push(vm.metadata.name);
  }
  return orphans;
}

function sortOrphans(orphans: Orphan[]): Orphan[] {
  for (const o of orphans) o.vms.sort(byNumberedName);
  return orphans.sort((a, b) => byFoldedText(a.spec, b.spec) || byText(a.namespace, b.namespace));
}

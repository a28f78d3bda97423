// `-o json` of deploy, delete, start, stop and restart: what the run reported, as data, in one document
// written last (schema: schemas/result.schema.json). The text still goes to stderr for whoever watches.
import type { Change, ChangePlan, FirstBootNotice } from '../changes/plan-changes.js';
import type { Standing } from '../model/delete-guard.js';
import type { Output } from './output.js';
import {
  textReporter,
  type DeleteReason,
  type DeletionView,
  type Orphan,
  type ProjectSpecOutcome,
  type Reporter,
  type SharedInUse,
} from './reporter.js';
import {
  counts,
  type Flag,
  type ResultCounts,
  type ResultLine,
  type ResultScope,
  type WaitOutcome,
} from './results.js';

export interface ObjectResult {
  flag: Flag;
  kind: string;
  name: string;
  /** The detail of the text line: `created`, `unchanged`, the server's reason for a failure. */
  reason?: string;
  hint?: string;
}

type ObjectRef = { kind: string; name: string };

export interface SpecResult extends ResultScope {
  results: ObjectResult[];
  summary: ResultCounts;
  /** deploy: the planned changes, as the plan shows them. */
  plan?: (ObjectRef & { action: Change['action'] })[];
  /** deploy --adopt: objects taken over. */
  adopted?: ObjectRef[];
  /** Instances past the spec's replicas, and other objects it no longer plans. */
  surplus?: { instances: string[]; planned: number; objects: ObjectRef[] };
  /** delete, --prune: what was listed to go, and what was kept. */
  deletion?: {
    targets: (ObjectRef & { why: DeleteReason })[];
    keptDisks: ObjectRef[];
    sharedInUse: SharedInUse[];
    unlabeledKept: ObjectRef[];
    /** What stays because a VM stays: a protected VM and what it uses, what a staying VM uses. */
    standing: Standing[];
  };
  /** What others added to or repointed in a VM, which deploy left as it is (`hot-plugged volume data1`). */
  kept?: (ObjectRef & { what: string })[];
  /** What cloud-init will not bring to a booted guest of what was applied. */
  notices?: FirstBootNotice[];
  /** VMs that need a restart to take their change. */
  restartNeeded?: string[];
  /** A roll that stopped: the VMs it did not restart. */
  notRestarted?: string[];
  wait?: WaitOutcome;
}

export interface ResultDocument {
  apiVersion: 'v-auto/v1';
  kind: 'Result';
  action: string;
  exitCode: number;
  /** One entry per spec, in the order they were reported. */
  specs: SpecResult[];
  summary: ResultCounts;
  /** A run over a whole project: each spec's exit code, and VMs of spec files that are gone. */
  project?: { name: string; specs: ProjectSpecDocument[]; orphans?: Orphan[] };
  /** Present when the run stopped on an error (exit 2, 3, 4, 130…). */
  error?: { message: string; hint?: string };
}

/** A spec of a whole-project run, as the document names it: its exit code, and its error if it had one. */
export interface ProjectSpecDocument {
  spec: string;
  exitCode?: number;
  error?: { message: string; hint?: string };
}

const ref = (o: { kind: string; metadata: { name: string } }): ObjectRef => ({
  kind: o.kind,
  name: o.metadata.name,
});

/**
 * A Reporter that keeps what the run reports for `document()`, and prints the text on stderr.
 * Lines of one spec reported in several steps (deploy, then --prune or --restart) stay one entry.
 */
export class ResultRecorder implements Reporter {
  private readonly specs: { scope: ResultScope; lines: ResultLine[]; data: Partial<SpecResult> }[] = [];
  private project?: ResultDocument['project'];
  private readonly text: Reporter;

  constructor(output: Output) {
    this.text = textReporter({ ...output, out: output.err, isTTY: false, color: false });
  }

  private entry(scope: ResultScope) {
    let entry = this.specs.find((s) => s.scope.project === scope.project && s.scope.spec === scope.spec);
    if (!entry) this.specs.push((entry = { scope, lines: [], data: {} }));
    return entry;
  }

  private add(scope: ResultScope, key: 'restartNeeded' | 'notRestarted', items: string[]) {
    const data = this.entry(scope).data;
    data[key] = [...(data[key] ?? []), ...items];
  }

  planWarnings: Reporter['planWarnings'] = (plan, rendered) => this.text.planWarnings(plan, rendered);

  plan(scope: ResultScope, changes: ChangePlan, namespaceMissing: boolean): void {
    this.text.plan(scope, changes, namespaceMissing);
    this.entry(scope).data.plan = changes.changes
      .filter((c) => c.action !== 'unchanged' && c.action !== 'imported')
      .map((c) => ({ action: c.action, kind: c.kind, name: c.name }));
  }

  surplus(scope: ResultScope, changes: ChangePlan, planned: number): void {
    this.text.surplus(scope, changes, planned);
    const objects = changes.changes
      .filter((c) => c.action === 'surplus')
      .map(({ kind, name }) => ({ kind, name }));
    if (objects.length)
      this.entry(scope).data.surplus = { instances: changes.surplusInstances, planned, objects };
  }

  adopting(scope: ResultScope, changes: Change[]): void {
    this.text.adopting(scope, changes);
    this.entry(scope).data.adopted = changes.map(({ kind, name }) => ({ kind, name }));
  }

  results(scope: ResultScope, action: Parameters<Reporter['results']>[1], lines: ResultLine[]): void {
    this.entry(scope).lines.push(...lines);
  }

  notices(scope: ResultScope, notices: FirstBootNotice[]): void {
    this.text.notices(scope, notices);
    const data = this.entry(scope).data;
    data.notices = [...(data.notices ?? []), ...notices];
  }

  restartNeeded(scope: ResultScope, vms: string[]): void {
    this.text.restartNeeded(scope, vms);
    this.add(scope, 'restartNeeded', vms);
  }

  restarting: Reporter['restarting'] = (scope, vms, batch) => this.text.restarting(scope, vms, batch);

  rollStopped(scope: ResultScope, left: string[]): void {
    this.text.rollStopped(scope, left);
    this.add(scope, 'notRestarted', left);
  }

  noVms(scope: ResultScope, target: string | undefined): void {
    this.text.noVms(scope, target);
    this.entry(scope);
  }

  deletion(view: DeletionView): void {
    this.text.deletion(view);
    this.entry(view.scope).data.deletion = {
      targets: view.targets.map((d) => ({ ...ref(d.object), why: d.why })),
      keptDisks: view.keptDisks.map(ref),
      sharedInUse: view.sharedInUse,
      unlabeledKept: view.unlabeledKept.map(ref),
      standing: view.standing,
    };
  }

  kept(scope: ResultScope, changes: Change[]): void {
    this.text.kept(scope, changes);
    this.entry(scope).data.kept = changes.flatMap((c) =>
      (c.kept ?? []).map((what) => ({ kind: c.kind, name: c.name, what })),
    );
  }

  sharedInUse(scope: ResultScope, users: SharedInUse[]): void {
    this.text.sharedInUse(scope, users);
    const deletion = this.entry(scope).data.deletion;
    if (deletion) deletion.sharedInUse.push(...users);
  }

  waited(scope: ResultScope, outcome: WaitOutcome, runs: Parameters<Reporter['waited']>[2]): void {
    this.text.waited(scope, outcome, runs);
    this.entry(scope).data.wait = outcome;
  }

  progress: Reporter['progress'] = (text) => this.text.progress(text);
  /** stdout holds the document alone; stderr gets the text of a run without a terminal's activity line. */
  activity: Reporter['activity'] = () => undefined;
  aside: Reporter['aside'] = (text) => this.text.aside(text);
  specBegins: Reporter['specBegins'] = (project, spec, first) => this.text.specBegins(project, spec, first);

  projectDone(project: string, specs: ProjectSpecOutcome[]): void {
    this.text.projectDone(project, specs);
    this.project = {
      ...this.project,
      name: project,
      specs: specs.map(({ spec, code, error }) => ({
        spec,
        ...(code !== undefined && { exitCode: code }),
        ...(error && { error }),
      })),
    };
  }

  orphans(project: string, orphans: Orphan[]): void {
    this.text.orphans(project, orphans);
    if (orphans.length && this.project) this.project.orphans = orphans;
  }

  orphansUnknown: Reporter['orphansUnknown'] = (message) => this.text.orphansUnknown(message);

  document(action: string, exitCode: number, error?: { message: string; hint?: string }): ResultDocument {
    const specs = this.specs.map(({ scope, lines, data }) => ({
      project: scope.project,
      spec: scope.spec,
      namespace: scope.namespace,
      results: lines.map(({ flag, kind, name, detail, hint }) => ({
        flag,
        kind,
        name,
        ...(detail !== undefined && { reason: detail }),
        ...(hint !== undefined && { hint }),
      })),
      summary: counts(lines),
      ...data,
    }));
    return {
      apiVersion: 'v-auto/v1',
      kind: 'Result',
      action,
      exitCode,
      specs,
      summary: counts(this.specs.flatMap((s) => s.lines)),
      ...(this.project && { project: this.project }),
      ...(error && {
        error: { message: error.message, ...(error.hint !== undefined && { hint: error.hint }) },
      }),
    };
  }
}

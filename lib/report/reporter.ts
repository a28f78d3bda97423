// What commands tell the user while they work, as typed events: printed as text, or kept as data for -o json.
// Commands never write to stdout or stderr themselves; the CLI hands them one Reporter.
import type { Change, ChangePlan, FirstBootNotice } from '../changes/plan-changes.js';
import type { K8sObject } from '../cluster/k8s-object.js';
import type { Standing } from '../model/delete-guard.js';
import { isDiskKind } from '../model/kinds.js';
import { runStateNote, type RunState } from '../model/vm-facts.js';
import type { Plan } from '../plan/plan-instances.js';
import { printable } from '../printable.js';
import type { ActivityLine } from './activity-line.js';
import type { Output } from './output.js';
import { planLines, planSummary, surplusNotices } from './plan-report.js';
import { planWarnings } from './plan-warnings.js';
import { resultText, summarize } from './result-lines.js';
import type { ResultAction, ResultLine, ResultScope, WaitOutcome } from './results.js';
import { formatTable } from './table.js';

/**
 * A shared NAD kept through a delete: a VM or Pod that stays attaches it (`namespace` absent: the
 * NAD's own), or this user may not list VMs and Pods everywhere to check that none does.
 */
export type SharedInUse =
  | { code: 'attached'; nad: string; by: { kind: string; namespace?: string; name: string } }
  | { code: 'unverified'; nad: string };

/** Why an object is listed for deletion. */
export type DeleteReason = 'labeled' | 'unlabeled' | 'shared' | 'surplus';

/** What delete (or deploy --prune) is about to delete, or would under --dry-run, and what it keeps. */
export interface DeletionView {
  scope: ResultScope;
  /** delete of a spec (its --target), or deploy --prune. */
  command: { name: 'delete'; target?: string } | { name: 'prune' };
  dryRun: boolean;
  targets: { object: K8sObject; why: DeleteReason }[];
  /** Disks kept by --keep-disks. */
  keptDisks: K8sObject[];
  /** Shared NADs kept because a VM still attaches them. */
  sharedInUse: SharedInUse[];
  /** Objects with this spec's names and no v-auto labels, kept without --include-unlabeled. */
  unlabeledKept: K8sObject[];
  /** What stays because a VM stays (delete protection, a VM that uses it): one entry per VM. */
  standing: Standing[];
}

/** One spec's place in a run over a whole project. */
export interface ProjectSpecOutcome {
  spec: string;
  /** Undefined: not run (--fail-fast stopped before it). */
  code?: number;
  /** Why it failed, when it failed with an error (not with objects reported [FAILED]). */
  error?: { message: string; hint?: string };
}

/** VMs that carry the project's labels but whose spec has no file any more. */
export interface Orphan {
  namespace: string;
  spec: string;
  vms: string[];
}

export interface Reporter {
  /** What a planned spec asks for that may not do what it says; `rendered`: what rendering it found. */
  planWarnings(plan: Plan, rendered?: string[]): void;
  /** deploy: the change plan, before asking or under --dry-run; `namespaceMissing`: it is to be created. */
  plan(scope: ResultScope, changes: ChangePlan, namespaceMissing: boolean): void;
  /** Instances and objects the spec no longer plans (`planned`: how many instances it does). */
  surplus(scope: ResultScope, changes: ChangePlan, planned: number): void;
  /** Objects without v-auto labels that this deploy takes over. */
  adopting(scope: ResultScope, changes: Change[]): void;
  /** One step's result lines of a spec and their summary. */
  results(scope: ResultScope, action: ResultAction, lines: ResultLine[]): void;
  /** What the user should know of changes that were applied (cloud-init runs once, a restart is needed). */
  notices(scope: ResultScope, notices: FirstBootNotice[]): void;
  /** deploy: the VMs that need a restart to take their change, and were not restarted. */
  restartNeeded(scope: ResultScope, vms: string[]): void;
  /** deploy --restart: the VMs it rolls (none: nothing needs one), `batch` at a time. */
  restarting(scope: ResultScope, vms: string[], batch: number): void;
  /** A roll that stopped, and the VMs it did not get to. */
  rollStopped(scope: ResultScope, left: string[]): void;
  /** start, stop, restart: the spec has no VM (named `target`). */
  noVms(scope: ResultScope, target: string | undefined): void;
  /** delete, --prune: what goes and what stays. */
  deletion(view: DeletionView): void;
  /** Shared NADs found still in use right before deleting them. */
  sharedInUse(scope: ResultScope, users: SharedInUse[]): void;
  /** How --wait ended; `runs`: how each instance runs (said when some are stopped). */
  waited(scope: ResultScope, outcome: WaitOutcome, runs: RunState[]): void;
  /** What others added to or repointed in these VMs, which deploy leaves as it is. */
  kept(scope: ResultScope, changes: Change[]): void;
  /** A line of progress while a step runs (--wait's state without a live view). */
  progress(text: string): void;
  /**
   * What a step is doing while oc works (`reading namespace vm-demo`, `applying 412/800 objects`):
   * the activity line of a terminal, erased before anything else is written; nothing at all on a
   * pipe, in cron's mail, with TERM=dumb or under -o json. Undefined: the step is over, erase it.
   */
  activity(text?: string): void;
  /** What the run did not do, or what goes on after it (stderr): "dry run: nothing was sent to the cluster". */
  aside(text: string): void;
  /** A whole-project run: one spec begins. */
  specBegins(project: string, spec: string, first: boolean): void;
  /** A whole-project run: how each spec ended. */
  projectDone(project: string, specs: ProjectSpecOutcome[]): void;
  /** After a whole-project delete: VMs of the project that no spec file accounts for. */
  orphans(project: string, orphans: Orphan[]): void;
  /** A whole-project delete could not look for them. */
  orphansUnknown(message: string): void;
}

/**
 * The text the commands print: results and what they show on stdout, progress and asides on stderr;
 * with `activity` (a terminal's), what a step is doing on its line (the output should settle it).
 */
export function textReporter(output: Output, activity?: ActivityLine): Reporter {
  const out = (line: string) => output.out(`${line}\n`);
  return {
    planWarnings: (plan, rendered = []) => {
      for (const warning of [...planWarnings(plan), ...rendered]) output.err(`v-auto: warning: ${warning}\n`);
    },
    plan: (scope, changes, namespaceMissing) => {
      out(
        `Plan for ${scope.project}/${scope.spec} in namespace ${scope.namespace}${namespaceMissing ? ' (to be created)' : ''}: ${planSummary(changes)}`,
      );
      for (const line of planLines(changes)) out(line);
      for (const c of changes.changes)
        if (c.action === 'create' || c.action === 'update')
          for (const notice of c.notices ?? []) out(`  notice: ${noticeText(notice)}`);
    },
    surplus: (_scope, changes, planned) => {
      for (const notice of surplusNotices(changes, planned)) out(notice);
    },
    adopting: (_scope, changes) =>
      out(
        `Adopting ${changes.length} object(s) without v-auto labels: ${changes.map((c) => `${c.kind} ${c.name}`).join(', ')}`,
      ),
    results: (_scope, action, lines) => {
      output.out(resultText(lines, output.color));
      out(summarize(lines, action));
    },
    notices: (_scope, notices) => {
      for (const notice of notices) out(`notice: ${noticeText(notice)}`);
    },
    restartNeeded: (scope, vms) =>
      out(
        `notice: ${vms.length} VM(s) need a restart to apply their change (${vms.join(', ')}): run "v-auto ${scope.project} ${scope.spec} restart --pending", or deploy with --restart`,
      ),
    restarting: (_scope, vms, batch) =>
      out(
        vms.length
          ? `restarting ${vms.length} VM(s) to apply their changes, ${batch} at a time`
          : 'no VM needs a restart',
      ),
    rollStopped: (_scope, left) => out(`roll stopped; not restarted: ${left.join(', ')}`),
    noVms: (scope, target) =>
      out(
        `no VirtualMachine of ${scope.project}/${scope.spec}${target ? ` named ${target}` : ''} in namespace ${scope.namespace}`,
      ),
    deletion: (view) => output.out(deletionText(view)),
    sharedInUse: (_scope, users) =>
      out(`Keeping shared network attachment(s) still in use: ${users.map(sharedInUseText).join(', ')}`),
    waited: (_scope, w, runs) => out(printable(waitText(w, runs))),
    kept: (_scope, changes) => {
      for (const c of changes) for (const k of c.kept ?? []) out(`${c.kind} ${c.name} kept: ${k}`);
    },
    progress: (text) => output.err(`${text}\n`),
    activity: (text) => (text === undefined ? activity?.settle() : activity?.show(printable(text))),
    aside: (text) => output.err(`${text}\n`),
    specBegins: (project, spec, first) => out(`${first ? '' : '\n'}=== ${project}/${spec} ===`),
    projectDone: (project, specs) => out(`\n${projectSummary(project, specs)}`),
    orphans: (project, orphans) => {
      if (orphans.length) out(orphanLine(project, orphans));
    },
    orphansUnknown: (message) =>
      output.err(`v-auto: could not look for VMs of removed specs: ${printable(message)}\n`),
  };
}

function deletionText(view: DeletionView): string {
  const { scope } = view;
  let text = '';
  if (!view.targets.length) {
    text +=
      view.command.name === 'prune'
        ? 'nothing to prune\n'
        : `nothing to delete for ${scope.project}/${scope.spec}${view.command.target ? ` --target ${view.command.target}` : ''} in namespace ${scope.namespace}\n`;
  } else {
    text += `${view.dryRun ? 'Would delete' : 'Will delete'} from namespace ${scope.namespace}:\n`;
    text += `${formatTable(
      ['KIND', 'NAME', 'STATUS', 'NOTE'],
      view.targets.map((d) => [d.object.kind, d.object.metadata.name, phaseOf(d.object), noteFor(d)]),
      '  ',
    )}\n`;
  }
  for (const s of view.standing) text += `${standingText(s)}\n`;
  if (view.keptDisks.length)
    text += `Keeping ${view.keptDisks.length} disk object(s) (--keep-disks): ${view.keptDisks.map((o) => `${o.kind} ${o.metadata.name}`).join(', ')}\n`;
  if (view.sharedInUse.length)
    text += `Keeping shared network attachment(s) still in use: ${view.sharedInUse.map(sharedInUseText).join(', ')}\n`;
  if (view.unlabeledKept.length)
    text += `Unlabeled matches, kept (add --include-unlabeled to delete them): ${view.unlabeledKept.map((o) => `${o.kind} ${o.metadata.name}`).join(', ')}\n`;
  return text;
}

/** `lan (VirtualMachine db-01)`, `office (Pod vm-demo/probe)`: a kept shared NAD and why, in words. */
function sharedInUseText(s: SharedInUse): string {
  return s.code === 'attached'
    ? `${s.nad} (${s.by.kind} ${s.by.namespace ? `${s.by.namespace}/` : ''}${s.by.name})`
    : `${s.nad} (this user may not list VMs and Pods in every namespace to check)`;
}

/** A first-boot notice in words. */
function noticeText(n: FirstBootNotice): string {
  return n.code === 'secret-after-first-boot'
    ? `${n.instance} has booted: cloud-init ran at its first boot and does not run again, so the changed ${n.keys.join(', ')} (password, users, files, static address) will not reach the guest; the Secret is updated for a recreated instance (delete --target ${n.instance}, then deploy)`
    : `${n.instance} has booted: the changed attachment ${n.attachment} applies to the VM at its next restart, but the guest keeps the address cloud-init configured at first boot`;
}

/** Why objects stay through a delete, in words. */
function standingText(s: Standing): string {
  const what = (refs: { kind: string; name: string }[]) => refs.map((r) => `${r.kind} ${r.name}`).join(', ');
  return s.code === 'delete-protected'
    ? `Keeping VirtualMachine ${s.vm} (delete protection: kubevirt.io/vm-delete-protection)${s.uses.length ? ` and what it uses: ${what(s.uses)}` : ''}`
    : `Keeping ${what(s.objects)}: VirtualMachine ${s.vm} stays and uses ${s.objects.length === 1 ? 'it' : 'them'}`;
}

function phaseOf(o: K8sObject): string {
  return o.status?.printableStatus ?? o.status?.phase ?? '-';
}

function noteFor(d: { object: K8sObject; why: DeleteReason }): string {
  const notes: string[] = [];
  if (isDiskKind(d.object.kind)) notes.push('disk data');
  if (d.why === 'unlabeled') notes.push('unlabeled match');
  if (d.why === 'shared') notes.push('shared, no VM uses it any more');
  if (d.why === 'surplus') notes.push('not planned by the spec');
  return notes.join('; ');
}

/** `all 3 instance(s) ready`, `not ready: …`, `timed out after 600 s; not ready: web-02 (…)`. */
export function waitText(w: WaitOutcome, runs: RunState[] = []): string {
  if (w.outcome === 'ready') return `all ${w.total} instance(s) ready${runStateNote(runs)}`;
  if (w.outcome === 'failed') return `not ready: ${w.notReady.map((n) => n.reason).join('; ')}`;
  return `timed out after ${w.seconds} s; not ready: ${w.notReady.map((n) => `${n.name} (${n.reason})`).join(', ')}`;
}

/** `project demo: 3 spec(s); ok: db; failed: web (exit 1); not run (--fail-fast): cache` */
export function projectSummary(project: string, results: ProjectSpecOutcome[]): string {
  const ok = results.filter((r) => r.code === 0).map((r) => r.spec);
  const failed = results
    .filter((r) => r.code !== undefined && r.code !== 0)
    .map((r) => `${r.spec} (exit ${r.code})`);
  const notRun = results.filter((r) => r.code === undefined).map((r) => r.spec);
  const parts = [`project ${project}: ${results.length} spec(s)`];
  if (ok.length) parts.push(`ok: ${ok.join(', ')}`);
  if (failed.length) parts.push(`failed: ${failed.join(', ')}`);
  if (notRun.length) parts.push(`not run (--fail-fast): ${notRun.join(', ')}`);
  return parts.join('; ');
}

/** `Labelled as project demo's but in no spec file, so left alone: spec old (namespace vm-demo): VirtualMachine old-01, old-02; …` */
export function orphanLine(project: string, orphans: Orphan[]): string {
  const what = orphans
    .map((o) => `spec ${o.spec} (namespace ${o.namespace}): VirtualMachine ${o.vms.join(', ')}`)
    .join('; ');
  return `Labelled as project ${project}'s but in no spec file, so left alone: ${what}. Put the spec file back (projects/${project}/specs/SPEC.yaml) to manage or delete them with v-auto`;
}

// `deploy --wait`: until every VM is ready and every disk imported, or time runs out: a get, then watches, polls as the fallback.
import type { ClusterClient, Follow } from '../cluster/cluster-client.js';
import { ExitCode, VAutoError } from '../errors.js';
import type { Plan } from '../plan/plan-instances.js';
import type { LiveView } from '../report/live-view.js';
import type { Reporter } from '../report/reporter.js';
import type { WaitOutcome } from '../report/results.js';
import { waitTable } from '../report/wait-table.js';
import { relevantEvents } from './events.js';
import { instanceState, objectsOf, pendingReason, type InstanceState } from '../changes/instance-state.js';
import { selectorString, specSelector } from '../model/ownership.js';
import { runStateNote, type RunState } from '../model/vm-facts.js';
import { printable } from '../printable.js';
import { sleep } from '../sleep.js';

export interface WaitDeps {
  report: Reporter;
  /** Milliseconds between polls. */
  pollMs?: number;
  now?: () => number;
  signal?: AbortSignal;
  /** A view redrawn in place on a terminal; plain progress lines are printed without one. */
  live?: () => LiveView;
  /** The grace of every state in GRACE_SECONDS, instead of its own (V_AUTO_WAIT_GRACE). */
  graceSeconds?: number;
}

const WAIT_KINDS = ['VirtualMachine', 'VirtualMachineInstance', 'DataVolume', 'PersistentVolumeClaim'];

/**
 * How long (seconds) a VM may stay in a state that can clear by itself before --wait counts it as failed.
 * Any other state in FAILED_VM (CrashLoopBackOff, ErrImagePull…) and a failed import have none.
 * An importer that restarts (for scratch space, or a flaky source) turns the VM to DataVolumeError
 * while CDI retries; CDI calls that intended behaviour (kubevirt/containerized-data-importer#3762).
 * ErrorUnschedulable clears when the scheduler finds room (a node drained back, a PVC bound). A
 * DataVolume in phase Failed has stopped retrying: no grace.
 */
export const GRACE_SECONDS: Record<string, number> = { DataVolumeError: 300, ErrorUnschedulable: 300 };

/**
 * How long (seconds) polls may fail with a cluster error (exit 3: an API server restarting during an
 * upgrade refuses connections or answers 503) before the wait ends with that error. V_AUTO_WAIT_GRACE
 * replaces it too.
 */
export const POLL_GRACE_SECONDS = 300;

export async function waitReady(
  cluster: ClusterClient,
  plan: Plan,
  seconds: number,
  deps: WaitDeps,
): Promise<number> {
  const now = deps.now ?? Date.now;
  const grace =
    deps.graceSeconds === undefined
      ? GRACE_SECONDS
      : Object.fromEntries(Object.keys(GRACE_SECONDS).map((k) => [k, deps.graceSeconds!]));
  const pollGrace = deps.graceSeconds ?? POLL_GRACE_SECONDS;
  const deadline = now() + seconds * 1000;
  const selector = selectorString(specSelector(plan.settings));
  const { project, spec, namespace } = plan.settings;
  const outcome = (
    o: WaitOutcome['outcome'],
    ready: number,
    notReady: WaitOutcome['notReady'],
    runs: RunState[] = [],
  ) =>
    deps.report.waited(
      { project, spec, namespace },
      { outcome: o, seconds, ready, total: plan.instances.length, notReady },
      runs,
    );
  const view = deps.live?.();
  let last = '';
  // When each instance was first seen in its current failing state.
  const since = new Map<string, { state: string; at: number }>();
  // When the polls started failing, while they fail.
  let pollFailedAt: number | undefined;
  const pollMs = () => Math.min(deps.pollMs ?? 2000, Math.max(0, deadline - now()));
  // Once a poll finds something pending, the objects are followed by watches (cluster.follow): the
  // answer comes a round trip after the change that made it, not up to a poll later. A follow that
  // cannot start or that ends (a refused watch, 410 Expired, the process gone) leaves the polls.
  let follow: Follow | undefined;
  let followTried = false;
  try {
    for (;;) {
      let objects;
      if (follow && !follow.ended) objects = follow.objects();
      else
        try {
          objects = await cluster.list(plan.settings.namespace, WAIT_KINDS, selector, plan.instances.length);
          pollFailedAt = undefined;
        } catch (e) {
          if (!(e instanceof VAutoError) || e.exitCode !== ExitCode.CLUSTER) throw e;
          const failedAt = now();
          pollFailedAt ??= failedAt;
          const failedFor = Math.floor((failedAt - pollFailedAt) / 1000);
          if (failedFor >= pollGrace || failedAt >= deadline) throw e;
          const text = printable(`poll failed for ${failedFor} s (grace ${pollGrace} s): ${e.message}`);
          if (view) view.update([text]);
          else deps.report.progress(text);
          last = text;
          await sleep(pollMs(), deps.signal);
          continue;
        }
      const states = plan.instances.map((i) => instanceState(i.name, objects, plan.settings.run_strategy));
      const pending = states.filter((s) => !s.ready);
      const polledAt = now();
      // Each failing instance, once per poll: its state, seconds in it, and that state's grace.
      const failing = new Map<string, { state: string; seconds: number; grace: number }>();
      for (const s of states) {
        const state = s.failed ? (s.vm?.status ?? 'failed') : undefined;
        if (!state) {
          since.delete(s.name);
          continue;
        }
        if (since.get(s.name)?.state !== state) since.set(s.name, { state, at: polledAt });
        failing.set(s.name, {
          state,
          seconds: Math.floor((polledAt - since.get(s.name)!.at) / 1000),
          grace: grace[state] ?? 0,
        });
      }
      const failed = states.filter((s) => {
        const f = failing.get(s.name);
        return f !== undefined && f.seconds >= f.grace;
      });
      // A state still within its grace says so: `web-01: DataVolumeError for 12 s (grace 300 s)`.
      const reason = (s: InstanceState) => {
        const f = failing.get(s.name);
        return f ? `${f.state} for ${f.seconds} s (grace ${f.grace} s)` : pendingReason(s);
      };
      // Reasons come from the cluster (DataVolume conditions): one printable line.
      const text = printable(
        `${states.length - pending.length}/${states.length} ready${runStateNote(states.map((s) => s.run))}${
          pending.length
            ? `; ${pending
                .slice(0, 3)
                .map((s) => `${s.name}: ${reason(s)}`)
                .join(', ')}${pending.length > 3 ? ', …' : ''}`
            : ''
        }`,
      );
      if (view) view.update([text, ...waitTable(states)]);
      else if (text !== last) deps.report.progress(text);
      last = text;
      if (!pending.length) {
        view?.stop();
        outcome(
          'ready',
          states.length,
          [],
          states.map((s) => s.run),
        );
        return ExitCode.OK;
      }
      if (failed.length) {
        view?.stop();
        // The cluster's own words for why: the newest event about the instance's objects, Warnings
        // first, its launcher pod's among them (the scheduler's FailedScheduling, an image pull), so
        // the pods are read with the events. A user who may not read them still gets the failure itself.
        const [events, pods] = await Promise.all(
          [
            cluster.list(plan.settings.namespace, ['Event']),
            cluster.list(plan.settings.namespace, ['Pod'], selector),
          ].map((read) => read.catch(() => [])),
        );
        const seen = [...objects, ...pods];
        const why = failed.map((s) => {
          const f = failing.get(s.name)!;
          const past = f.grace ? ` for ${f.seconds} s, past its ${f.grace} s grace` : '';
          const last = relevantEvents(events, objectsOf(s.name, seen))[0];
          return `${s.failed}${past}${last ? `; last event: ${last.object} ${last.reason}: ${last.message}` : ''}`;
        });
        outcome(
          'failed',
          states.length - pending.length,
          failed.map((s, i) => ({ name: s.name, reason: printable(why[i]) })),
        );
        return ExitCode.RESOURCE_FAILED;
      }
      if (now() >= deadline) {
        view?.stop();
        outcome(
          'timed-out',
          states.length - pending.length,
          pending.map((s) => ({ name: s.name, reason: printable(pendingReason(s)) })),
        );
        return ExitCode.RESOURCE_FAILED;
      }
      if (!followTried && cluster.follow) {
        followTried = true;
        try {
          follow = await cluster.follow(namespace, WAIT_KINDS, selector, (deadline - now()) / 1000);
          continue;
        } catch (e) {
          if (!(e instanceof VAutoError) || e.exitCode !== ExitCode.CLUSTER) throw e;
        }
      }
      // Between changes, the states are judged again each poll interval from what was seen, so a grace
      // runs out and the progress line counts on.
      if (follow && !follow.ended) await follow.next(pollMs(), deps.signal);
      else await sleep(pollMs(), deps.signal);
    }
  } finally {
    follow?.stop();
    view?.stop();
  }
}

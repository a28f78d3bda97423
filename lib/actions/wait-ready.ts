// `deploy --wait`: one get per poll until every VM is ready and every disk imported, or time runs out.
import type { ClusterClient } from '../cluster/cluster-client.js';
import { ExitCode } from '../errors.js';
import type { Plan } from '../plan/plan-instances.js';
import type { LiveView } from '../report/live-view.js';
import type { Output } from '../report/output.js';
import { waitTable } from '../report/wait-table.js';
import { instanceState, pendingReason } from './instance-state.js';
import { selectorString, specSelector } from './selectors.js';
import { printable } from '../printable.js';
import { sleep } from '../sleep.js';

export interface WaitDeps {
  output: Output;
  /** Milliseconds between polls. */
  pollMs?: number;
  now?: () => number;
  signal?: AbortSignal;
  /** A view redrawn in place on a terminal; plain progress lines are printed without one. */
  live?: () => LiveView;
}

const WAIT_KINDS = ['VirtualMachine', 'VirtualMachineInstance', 'DataVolume', 'PersistentVolumeClaim'];

/**
 * How long a VM may stay in a state that can clear by itself before --wait counts it as failed.
 * An importer that restarts (for scratch space, or a flaky source) turns the VM to DataVolumeError
 * while CDI retries; CDI calls that intended behaviour (kubevirt/containerized-data-importer#3762).
 * ErrorUnschedulable clears when the scheduler finds room (a node drained back, a PVC bound). A
 * DataVolume in phase Failed has stopped retrying: no grace.
 */
export const GRACE_SECONDS: Record<string, number> = { DataVolumeError: 300, ErrorUnschedulable: 300 };

export async function waitReady(cluster: ClusterClient, plan: Plan, seconds: number, deps: WaitDeps): Promise<number> {
  const now = deps.now ?? Date.now;
  const deadline = now() + seconds * 1000;
  const selector = selectorString(specSelector(plan.settings));
  const view = deps.live?.();
  let last = '';
  // When each instance was first seen in its current failing state.
  const since = new Map<string, { state: string; at: number }>();
  try {
    for (;;) {
      const objects = await cluster.list(plan.settings.namespace, WAIT_KINDS, selector);
      const states = plan.instances.map((i) => instanceState(i.name, objects));
      const pending = states.filter((s) => !s.ready);
      for (const s of states) {
        const state = s.failed ? (s.vm?.status ?? 'failed') : undefined;
        if (!state) since.delete(s.name);
        else if (since.get(s.name)?.state !== state) since.set(s.name, { state, at: now() });
      }
      const failed = states.filter((s) => s.failed && now() - since.get(s.name)!.at >= (GRACE_SECONDS[since.get(s.name)!.state] ?? 0) * 1000);
      // Reasons come from the cluster (DataVolume conditions): one printable line.
      const text = printable(`${states.length - pending.length}/${states.length} ready${pending.length ? `; ${pending.slice(0, 3).map((s) => `${s.name}: ${pendingReason(s)}`).join(', ')}${pending.length > 3 ? ', …' : ''}` : ''}`);
      if (view) view.update([text, ...waitTable(states)]);
      else if (text !== last) deps.output.err(`${text}\n`);
      last = text;
      if (!pending.length) {
        view?.stop();
        deps.output.out(`all ${states.length} instance(s) ready\n`);
        return ExitCode.OK;
      }
      if (failed.length) {
        view?.stop();
        deps.output.out(`${printable(`not ready: ${failed.map((s) => s.failed).join('; ')}`)}\n`);
        return ExitCode.RESOURCE_FAILED;
      }
      if (now() >= deadline) {
        view?.stop();
        deps.output.out(`${printable(`timed out after ${seconds} s; not ready: ${pending.map((s) => `${s.name} (${pendingReason(s)})`).join(', ')}`)}\n`);
        return ExitCode.RESOURCE_FAILED;
      }
      await sleep(Math.min(deps.pollMs ?? 2000, Math.max(0, deadline - now())), deps.signal);
    }
  } finally {
    view?.stop();
  }
}

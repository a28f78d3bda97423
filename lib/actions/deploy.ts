// `deploy`: render, check what exists in one get, apply everything in one oc apply, report per object.
import { isDeepStrictEqual } from 'node:util';
import { LAST_APPLIED, type K8sObject } from '../cluster/k8s-object.js';
import type { ObjectOutcome } from '../cluster/cluster-client.js';
import { ExitCode } from '../errors.js';
import type { Manifest } from '../render/render-manifests.js';
import { manifestsAsYaml } from '../report/manifest-output.js';
import { redactSecrets } from '../report/redact.js';
import { printResults, summarize, type ResultLine } from '../report/result-lines.js';
import { prepareManifests, type SpecOptions } from './prepare-manifests.js';
import { MANAGED_KINDS, projectSelector, selectorString } from './selectors.js';
import type { ClusterDeps } from './cluster-deps.js';
import { waitReady } from './wait-ready.js';

export interface DeployOptions extends SpecOptions {
  dryRun: boolean;
  yes: boolean;
  /** Seconds to wait for readiness; undefined = return after applying. */
  wait?: number;
}

export async function deploy(options: DeployOptions, deps: ClusterDeps): Promise<number> {
  const { output } = deps;
  if (options.dryRun) {
    const { plan, manifests } = await prepareManifests(options, deps, { placeholders: true });
    output.out(manifestsAsYaml(redactSecrets(manifests)));
    output.err(`dry run: ${manifests.length} resources for namespace ${plan.settings.namespace} shown above; nothing was sent to the cluster\n`);
    return ExitCode.OK;
  }

  // Two reads, side by side, started as soon as the input is known to be good so that they run
  // while the manifests render: everything of this project that exists (it decides DataVolumes
  // already imported and garbage-collected, and whether a changed VM needs a restart), and whether
  // the namespace exists (a missing one is created by the same apply).
  let reads: Promise<[K8sObject[], boolean | undefined]> | undefined;
  const { plan, manifests } = await prepareManifests(options, deps, {
    onValidated: (settings) => {
      const cluster = deps.cluster();
      const selector = selectorString(projectSelector(settings));
      reads = Promise.all([cluster.list(settings.namespace, MANAGED_KINDS, selector), cluster.namespaceExists(settings.namespace)]);
      reads.catch(() => {}); // awaited below; a failure must not count as unhandled meanwhile
    },
  });
  const ns = plan.settings.namespace;
  const cluster = deps.cluster();
  const [existing, namespaceExists] = await reads!;
  const found = new Map(existing.map((o) => [`${o.kind}/${o.metadata.name}`, o]));
  // Unknown (Namespace objects unreadable): assume it exists rather than create one we may not own.
  const namespaceMissing = existing.length === 0 && namespaceExists === false;
  const context = { project: plan.settings.project, spec: plan.settings.spec, namespace: ns, namespaceUnverified: namespaceExists === undefined };

  const lines: ResultLine[] = [];
  const toApply: Manifest[] = [];
  for (const m of manifests) {
    const name = m.metadata.name;
    if (m.kind === 'DataVolume' && !found.has(`DataVolume/${name}`) && found.has(`PersistentVolumeClaim/${name}`)) {
      lines.push({ flag: 'SKIPPED', kind: 'DataVolume', name, detail: 'disk already imported' });
    } else toApply.push(m);
  }

  if (deps.confirm && !options.yes) {
    const fresh = toApply.filter((m) => !found.has(`${m.kind}/${m.metadata.name}`)).length;
    const question = `Apply ${toApply.length} resources (${fresh} new) for ${plan.instances.length} instance(s) to namespace ${ns}${namespaceMissing ? ' (to be created)' : ''} with ${cluster.binary}?`;
    if (!(await deps.confirm(question))) {
      output.err('nothing applied\n');
      return ExitCode.OK;
    }
  }

  const stream = namespaceMissing ? [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, ...toApply] : toApply;
  // A delete of another spec must not judge a shared NAD unused while this apply adds VMs on it.
  const release = plan.sharedNads.length && deps.lockSharedNetworks ? await deps.lockSharedNetworks() : undefined;
  const outcomes = await cluster.apply(ns, stream).finally(() => release?.());
  const byKey = new Map(toApply.map((m) => [`${m.kind}/${m.metadata.name}`, m]));
  const results = outcomes.map((o): ResultLine => {
    if (o.result === 'failed') return { flag: 'FAILED', kind: o.kind, name: o.name, detail: o.reason, hint: failureHint(o, context) };
    if (o.result === 'unchanged') return { flag: 'SKIPPED', kind: o.kind, name: o.name, detail: 'unchanged' };
    let detail: string = o.result;
    if (o.kind === 'VirtualMachine' && o.result === 'configured' && needsRestart(found.get(`VirtualMachine/${o.name}`), byKey.get(`VirtualMachine/${o.name}`))) {
      detail = `configured; restart the VM to apply the change: virtctl restart ${o.name} -n ${ns}`;
    }
    return { flag: 'SUCCESS', kind: o.kind, name: o.name, detail };
  });
  // In apply order (the Namespace first when created), then the DataVolumes skipped as imported.
  const all = [...results, ...lines];
  printResults(all, output);
  output.out(`${summarize(all)}\n`);
  if (all.some((l) => l.flag === 'FAILED')) return ExitCode.RESOURCE_FAILED;
  if (options.wait !== undefined) return waitReady(cluster, plan, options.wait, deps);
  return ExitCode.OK;
}

/** A running VM whose template changed only picks the change up after a restart. */
function needsRestart(before: K8sObject | undefined, after: Manifest | undefined): boolean {
  if (!before || !after) return false;
  const running = before.status?.ready === true || before.status?.printableStatus === 'Running';
  if (!running) return false;
  if (before.status?.conditions?.some((c: { type: string; status: string }) => c.type === 'RestartRequired' && c.status === 'True')) return true;
  const lastApplied = before.metadata.annotations?.[LAST_APPLIED];
  if (!lastApplied) return true;
  try {
    return !isDeepStrictEqual(JSON.parse(lastApplied).spec?.template, (after.spec as { template?: unknown }).template);
  } catch {
    return true;
  }
}

function failureHint(o: ObjectOutcome, at: { project: string; spec: string; namespace: string; namespaceUnverified: boolean }): string | undefined {
  if (o.kind === 'DataVolume' && o.cause === 'immutable') {
    const instance = o.name.replace(/-rootdisk$/, '');
    return `a DataVolume cannot change once created: run "v-auto ${at.project} ${at.spec} delete --target ${instance}" and deploy again (this recreates its disk)`;
  }
  if (o.denied) {
    const { verb, resource, namespace: ns } = o.denied;
    return `your user may not ${verb} ${resource}${ns ? ` in namespace ${ns}` : ''}: ask a cluster admin for "${verb}" on ${resource}${ns ? ` in ${ns}` : ''}`;
  }
  if (o.cause === 'forbidden') return 'your user lacks the rights for this resource; ask a cluster admin';
  if (o.cause === 'namespace-missing') {
    return at.namespaceUnverified
      ? `namespace ${at.namespace} does not exist, and your user may not read or create namespaces: run "oc new-project ${at.namespace}" or ask an admin`
      : 'the namespace disappeared during deploy; run deploy again';
  }
  return undefined;
}

// The front half of deploy and diff: the spec rendered once, what exists read once, the change plan.
import { planChanges, type ChangePlan } from '../changes/plan-changes.js';
import type { K8sObject } from '../cluster/k8s-object.js';
import {
  claimsNewAddresses,
  EVERYWHERE_UNREAD,
  findLiveAddressConflicts,
  liveConflictError,
  withUnchecked,
} from '../plan/live-address-conflicts.js';
import { isSpecs, managedSelector, selectorString } from '../model/ownership.js';
import type { AddressHolder } from '../plan/address-conflicts.js';
import { ExitCode, VAutoError } from '../errors.js';
import { ADDRESS_KINDS, MANAGED_KINDS } from '../model/kinds.js';
import { instanceOfResource } from '../model/names.js';
import { needsNamespaceLabels, platformNetworkProblems } from '../plan/platform-networks.js';
import { withLiveMacs } from '../plan/mac-addresses.js';
import type { ClusterClient } from '../cluster/cluster-client.js';
import type { Prepared } from '../render/render-manifests.js';
import { networkDataMayHoldSecrets } from '../render/cloud-init.js';
import {
  checkSpecAgainstCluster,
  prepareSettings,
  stageSpec,
  type PrepareDeps,
  type SpecOptions,
} from './prepare-manifests.js';
import { checkSizeReferences, referencedKinds } from './size-references.js';

export interface PlannedDeploy extends Prepared {
  /** Every object of the managed kinds in the namespace. */
  live: K8sObject[];
  /** undefined when the user may not read Namespace objects. */
  namespaceExists: boolean | undefined;
  changes: ChangePlan;
}

/** What the front half needs: the spec's inputs, and the cluster to read (created on first use). */
export interface PlanDeployDeps extends PrepareDeps {
  cluster: () => ClusterClient;
}

/**
 * One read, started as soon as the spec is planned (its namespace and size known), so that it runs
 * while the address check, the template compile, the password hash and the render go on: every
 * object of the managed kinds in the namespace, whoever owns it (ownership is decided on it). Bad
 * input still fails first: the read is awaited only once everything that can be refused offline
 * has been (an exit-2 error never waits on it, nor depends on finding oc; main ends the read).
 *
 * The Namespace is not in it: one `get` cannot name one object beside whole lists, so it would list
 * every namespace of the cluster on every run, redeploys included (300 namespaces: about 160 ms per
 * read against the simulator, docs/performance.md). Objects found prove the namespace exists; only
 * an empty read (a first deploy) asks for it by name, one oc process more, once.
 */
export async function planDeploy(
  options: SpecOptions & { adopt?: boolean },
  deps: PlanDeployDeps,
): Promise<PlannedDeploy> {
  const planned = prepareSettings(options, deps);
  const { settings } = planned.plan;
  // A third read, only for a spec that names an instance type or preference: those of its kinds.
  const sizing = referencedKinds(settings);
  // VMIs ride along in the first read, for the live address check and memory hot-plug's rules.
  const kinds = [...MANAGED_KINDS, 'VirtualMachineInstance'];
  const reads = (async () => {
    const cluster = deps.cluster();
    return Promise.all([
      cluster.list(settings.namespace, kinds, undefined, planned.plan.instances.length),
      sizing.length ? cluster.list(settings.namespace, sizing) : [],
    ]);
  })();
  reads.catch(() => {}); // awaited below; an error meanwhile must not count as unhandled
  const checked = checkSpecAgainstCluster(planned, options, deps);
  // A workspace conflict is told with what is deployed: the spec not deployed yet is the one to move.
  if ('refuse' in checked)
    throw checked.refuse(checked.asksCluster ? await deployedHolders(deps) : undefined);
  const staged = await stageSpec(checked.loaded, deps);
  const { render, renderInstances, ...rest } = staged;
  let prepared = { ...rest, manifests: render() };
  const [read, sizes] = await reads;
  const cluster = deps.cluster();
  // A planned address that this spec's own objects here do not hold yet (a new instance, a moved
  // address) is checked against v-auto's objects in every namespace too: an instance left in a
  // namespace the spec moved from, or another project's (its surplus included), keeps its address.
  // One oc process more, only then: a redeploy that claims nothing new makes the reads it made.
  const everywhere = claimsNewAddresses(staged.plan, read)
    ? cluster.listEverywhere(ADDRESS_KINDS, selectorString(managedSelector()))
    : Promise.resolve([]);
  everywhere.catch(() => {}); // awaited below
  // A VM that exists keeps its MAC: its instance is rendered again where the plan's MAC differs.
  const kept = withLiveMacs(staged.plan, read);
  if (kept.changed.length) {
    const again = new Map(renderInstances(kept.changed).map((m) => [`${m.kind}/${m.metadata.name}`, m]));
    const manifests = prepared.manifests.map((m) => again.get(`${m.kind}/${m.metadata.name}`) ?? m);
    prepared = { ...prepared, plan: kept.plan, manifests };
  }
  // Objects in it prove that the namespace exists; only an empty one is asked about, by name.
  const namespaceExists = read.length ? true : await cluster.namespaceExists(settings.namespace);
  checkSizeReferences(settings, sizes);
  // A planned address the namespace already holds (a NAD's static IPAM, a VMI's reported IP) for something else.
  const elsewhere = await everywhere;
  const taken = findLiveAddressConflicts(staged.plan, read, elsewhere);
  if (taken.length) throw liveConflictError(staged.plan, taken);
  if (!elsewhere) prepared = { ...prepared, plan: withUnchecked(prepared.plan, [EVERYWHERE_UNREAD]) };
  // Localnet and UDN entries against the NADs OVN-Kubernetes made; a namespace's labels only to say
  // why a UDN namespace has no primary network.
  const labels =
    namespaceExists !== false && needsNamespaceLabels(staged.plan, read)
      ? await cluster.namespaceLabels(settings.namespace)
      : undefined;
  const platform = platformNetworkProblems(staged.plan, read, { exists: namespaceExists, labels });
  if (platform) throw platform;
  const live = read.filter((o) => o.kind !== 'VirtualMachineInstance');
  // Every catalog network's NAD suffix: the NAD of a network the spec no longer attaches is still
  // recognised as an instance's.
  const nadNames = Object.values(settings.catalog)
    .map((n) => n.nad_name)
    .filter((n): n is string => Boolean(n));
  const changes = planChanges({
    manifests: prepared.manifests,
    live,
    owner: settings,
    instanceOf: (name) => instanceOfResource(settings.name_prefix, name, nadNames),
    scope: options.target ? [options.target] : undefined,
    adopt: options.adopt ?? false,
    vmis: read.filter((o) => o.kind === 'VirtualMachineInstance'),
    showNetworkData: !networkDataMayHoldSecrets(settings.network_data),
  });
  return { ...prepared, live, namespaceExists, changes };
}

/**
 * Which holders of a workspace conflict are deployed (a VM with their labels, in any namespace):
 * one read, made only on the way to that exit-2 error. undefined when it cannot be read (no oc,
 * RBAC): the error is then told without it, still exit 2.
 */
async function deployedHolders(
  deps: PlanDeployDeps,
): Promise<((holder: AddressHolder) => boolean) | undefined> {
  try {
    const vms = await deps.cluster().listEverywhere(['VirtualMachine'], selectorString(managedSelector()));
    return vms && ((h) => vms.some((vm) => isSpecs(vm.metadata.labels, h, h.instance)));
  } catch (err) {
    if (err instanceof VAutoError && err.exitCode === ExitCode.CLUSTER) return undefined;
    throw err;
  }
}

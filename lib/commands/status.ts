// `status`: the objects by label, then the events (reads only), turned into per-instance state; exit 1
// unless every planned instance is deployed and ready (cron health checks rely on it).
import { byNumberedName } from '../text-order.js';
import { ExitCode } from '../errors.js';
import type { StatusView } from '../report/status-report.js';
import type { ClusterDeps } from './cluster-deps.js';
import { relevantEvents } from './events.js';
import { instanceState } from '../changes/instance-state.js';
import { prepareSettings, type SpecOptions } from '../pipeline/prepare-manifests.js';
import {
  imageLabel,
  imageSelector,
  instanceLabel,
  isSpecs,
  projectSelector,
  selectorString,
  specSelector,
} from '../model/ownership.js';
import { goldenDiskName, goldenSourceName } from '../model/names.js';
import type { GoldenStatus } from '../report/status-report.js';
import { assertTargetKnown, assertTargetName } from '../pipeline/target.js';
import type { K8sObject } from '../cluster/k8s-object.js';
import type { Plan } from '../plan/plan-instances.js';
import type { GoldenImage, Settings } from '../config/settings.js';

const STATUS_KINDS = [
  'VirtualMachine',
  'VirtualMachineInstance',
  'DataVolume',
  'PersistentVolumeClaim',
  'Pod',
  'Secret',
  'NetworkAttachmentDefinition',
];
const GOLDEN_KINDS = ['DataVolume', 'DataSource', 'PersistentVolumeClaim'];
/** Shown when readable; a monitoring account (`view` role) may not list Secrets, and status still works. */
const OPTIONAL_KINDS = ['Secret', 'NetworkAttachmentDefinition'];

/** `status`: the spec's instances as the cluster has them, with the events about them; `statusCode` says the exit code. */
export function status(options: SpecOptions, deps: ClusterDeps): Promise<StatusView> {
  return readStatus(options, deps, { events: true });
}

/** Exit 0 when every instance shown is ready, else 1. */
export function statusCode(view: StatusView): number {
  return view.instances.every((i) => i.ready) ? ExitCode.OK : ExitCode.RESOURCE_FAILED;
}

/** One spec's status from the cluster: one list of its objects and, with `events`, one of the namespace's events beside it. */
export async function readStatus(
  options: SpecOptions,
  deps: ClusterDeps,
  read: { events: boolean },
): Promise<StatusView> {
  // The plan says which instances should exist; what is found beyond it (deployed earlier with more
  // replicas) is shown too, as surplus. A --target may be such an instance, but it must be a name
  // this spec gives its instances.
  const planned = prepareSettings({ ...options, target: undefined }, deps);
  const { settings } = planned;
  assertTargetName(settings, options.target);
  const cluster = deps.cluster();
  const ns = settings.namespace;
  deps.report.activity(`reading namespace ${ns}`);
  // The events are read beside the objects (one round trip less); used only when there are objects.
  const eventsRead = read.events ? cluster.list(ns, ['Event']) : undefined;
  eventsRead?.catch(() => undefined);
  const instances = options.target ? 1 : planned.plan.instances.length;
  // The golden image is the project's (no spec label): read by its own labels, beside the rest.
  const golden = planned.plan.golden;
  const goldenRead = golden
    ? cluster.list(ns, GOLDEN_KINDS, selectorString(imageSelector(settings, golden.name)), 1)
    : undefined;
  goldenRead?.catch(() => undefined);
  const specRead = await cluster.listReadable(
    ns,
    STATUS_KINDS,
    selectorString(specSelector(settings, options.target)),
    OPTIONAL_KINDS,
    instances,
  );
  const found = { ...specRead, items: [...specRead.items, ...((await goldenRead) ?? [])] };
  const events = found.items.length && eventsRead ? relevantEvents(await eventsRead, found.items) : [];
  return statusView(planned, found, events, options.target);
}

/**
 * The status lists of a whole namespace for a project's specs at once (`v-auto demo status`): one
 * read by the project's labels, which `statusView` then splits by spec.
 */
export function readProjectObjects(
  deps: ClusterDeps,
  project: string,
  namespace: string,
  instances: number,
): Promise<{ items: K8sObject[]; unreadable: string[] }> {
  return deps
    .cluster()
    .listReadable(
      namespace,
      STATUS_KINDS,
      selectorString(projectSelector({ project })),
      OPTIONAL_KINDS,
      instances,
    );
}

/** A spec's status from what was read: its planned instances and whatever carries its labels. */
export function statusView(
  planned: { settings: Settings; plan: Plan },
  found: { items: K8sObject[]; unreadable: string[] },
  events: StatusView['events'],
  target?: string,
): StatusView {
  const { settings, plan } = planned;
  const objects = found.items.filter((o) => isSpecs(o.metadata.labels, settings, target));
  const { unreadable } = found;
  const labelled = objects
    .map((o) => instanceLabel(o.metadata.labels))
    .filter((n): n is string => Boolean(n));
  const plannedNames = new Set(plan.instances.map((i) => i.name));
  const names = [...new Set([...plannedNames, ...labelled])]
    .filter((n) => target === undefined || n === target)
    .sort(byNumberedName);
  assertTargetKnown(plan, target, labelled.length > 0);
  return {
    project: settings.project,
    spec: settings.spec,
    namespace: settings.namespace,
    instances: names.map((n) => instanceState(n, objects, settings.run_strategy)),
    networkAttachments: unreadable.includes('NetworkAttachmentDefinition')
      ? null
      : objects.filter((o) => o.kind === 'NetworkAttachmentDefinition').map((o) => o.metadata.name),
    secrets: unreadable.includes('Secret')
      ? null
      : objects.filter((o) => o.kind === 'Secret').map((o) => o.metadata.name),
    events,
    surplus: { instances: names.filter((n) => !plannedNames.has(n)), planned: plan.instances.length },
    ...(plan.golden && { golden: goldenStatus(plan.golden, found.items) }),
  };
}

/** The spec's golden image as the cluster has it, from objects read by the project's or the image's labels. */
function goldenStatus(golden: GoldenImage, items: K8sObject[]): GoldenStatus {
  const dataVolume = goldenDiskName(golden);
  const dataSource = goldenSourceName(golden);
  const ofImage = items.filter((o) => imageLabel(o.metadata.labels) === golden.name);
  const find = (kind: string, name: string) =>
    ofImage.find((o) => o.kind === kind && o.metadata.name === name);
  const dv = find('DataVolume', dataVolume);
  const ds = find('DataSource', dataSource);
  const phase = dv
    ? (dv.status?.phase ?? 'Pending')
    : find('PersistentVolumeClaim', dataVolume)
      ? 'imported'
      : 'missing';
  return {
    image: golden.name,
    dataVolume,
    phase,
    ...(dv?.status?.progress && { progress: dv.status.progress }),
    dataSource,
    ready: (ds?.status?.conditions ?? []).some(
      (c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True',
    ),
  };
}

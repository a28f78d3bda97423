// `deploy`: options → plan (render + what exists) → show → create what is new, apply what changes → report.
import type { Change } from '../changes/plan-changes.js';
import type { ApplyManifest, ClusterClient, ObjectOutcome } from '../cluster/cluster-client.js';
import type { K8sObject } from '../cluster/k8s-object.js';
import { ExitCode, usageError, VAutoError } from '../errors.js';
import type { GoldenImage } from '../config/settings.js';
import { listProjectSpecs, listSpecs } from '../config/load-workspace.js';
import { staleGoldenImages } from '../model/golden-images.js';
import { goldenDiskName, goldenSourceName } from '../model/names.js';
import type { Plan } from '../plan/plan-instances.js';
import { planSpec } from '../pipeline/workspace-plans.js';
import type { ResultLine, ResultScope } from '../report/results.js';
import { printable } from '../printable.js';
import type { ClusterDeps } from './cluster-deps.js';
import { deleteListed, guardedDelete } from './delete.js';
import { notSentOutcomes, planFanOut, sendFanOut } from '../pipeline/fan-out.js';
import { countedSend } from './counted-send.js';
import { planDeploy } from '../pipeline/plan-deploy.js';
import { pendingUpload, uploadGolden } from './upload-golden.js';
import type { SpecOptions } from '../pipeline/prepare-manifests.js';
import { awaitDeletions } from './await-deletions.js';
import { restartRequired } from '../model/vm-facts.js';
import { rollOptions, rollRestart } from './lifecycle.js';
import type { CommandOptions } from './definitions.js';
import { instanceOfRootDisk } from '../model/names.js';
import {
  instanceLabel,
  isOurs,
  isSharedNad,
  matches,
  selectorString,
  sharedSelector,
  specSelector,
  type SpecRef,
} from '../model/ownership.js';
import { waitReady } from './wait-ready.js';
import { PRIMARY_UDN_NAMESPACE_LABEL } from '../model/names.js';
import type { PlannedNetwork } from '../plan/plan-instances.js';

/** The spec and deploy's own flags, as FLAGS in ./definitions.ts declares them. */
export type DeployOptions = SpecOptions & CommandOptions<'deploy'>;

/** Seconds deploy waits for a golden DataVolume to be ready for its upload, without --wait. */
const UPLOAD_READY_SECONDS = 300;

export async function deploy(options: DeployOptions, deps: ClusterDeps): Promise<number> {
  const { report } = deps;
  // Checked before asking the cluster anything, as delete does.
  if (options.prune && !options.yes && !options.dryRun && !deps.confirm) {
    throw usageError(
      'refusing to prune without confirmation: no terminal to ask on',
      'add --yes to prune from scripts and cron, or --dry-run to list',
    );
  }
  report.activity('reading the cluster');
  const first = await planDeploy(options, deps);
  // A dry run shows what is being deleted as it is; a deploy waits for it to go.
  const planned = options.dryRun ? first : await awaitDeletions(first, options, deps);
  if (typeof planned === 'number') return planned;
  const { plan, changes } = planned;
  // A file: golden image not yet uploaded: checked (readable, its sha256) before anything is sent.
  const upload = await pendingUpload(plan, changes, options.home);
  report.planWarnings(plan, planned.warnings);
  const ns = plan.settings.namespace;
  const scope: ResultScope = { project: plan.settings.project, spec: plan.settings.spec, namespace: ns };
  const cluster = deps.cluster();

  // Never write what is not ours: stop before anything is sent.
  const foreign = changes.changes.filter((c) => c.action === 'foreign');
  if (foreign.length) {
    const adoptable = foreign.filter((c) => c.adoptable);
    throw usageError(
      `${foreign.length === 1 ? 'an object' : `${foreign.length} objects`} in namespace ${ns} ${foreign.length === 1 ? 'has' : 'have'} this spec's names but ${foreign.length === 1 ? 'is' : 'are'} not its own; nothing was sent: ${foreign.map((c) => `${c.kind} ${c.name} (${c.owner})`).join(', ')}`,
      adoptable.length && !options.adopt
        ? `--adopt takes over ${adoptable.length === foreign.length ? 'them' : 'those with no v-auto labels'} after listing them and asking; objects of another project or spec are never taken: remove them or change name_prefix`
        : 'objects of another v-auto project or spec are never taken: remove them, or change name_prefix so the names differ',
    );
  }
  // --prune: the spec's surplus, the project's golden images and shared NADs no spec plans any more.
  const unattached = options.prune ? staleSharedNads(options, plan, planned.live, deps) : [];
  const surplusObjects = [
    ...changes.changes.filter((c) => c.action === 'surplus').map((c) => c.live!),
    ...(options.prune ? staleGolden(options, plan, planned.live, deps) : []),
    ...unattached,
  ];
  // --prune reads delete protection before anything is sent, as delete does.
  if (options.prune) guardedDelete(surplusObjects, planned.live, options.skipProtected ?? false);
  const adopted = changes.changes.filter((c) => c.adopt);
  const sending = changes.changes.filter((c) => c.action === 'create' || c.action === 'update');
  const surplus = surplusObjects;
  // Unknown (Namespace objects unreadable): assume it exists rather than create one we may not own.
  const namespaceMissing = planned.live.length === 0 && planned.namespaceExists === false;

  const showPlan = options.dryRun || (deps.confirm && !options.yes);
  if (showPlan) {
    report.plan(scope, changes, namespaceMissing);
  }
  if (options.dryRun) {
    report.surplus(scope, changes, plan.instances.length);
    if (options.prune && surplus.length) await prune(surplus, scope, options, deps, planned.live);
    report.aside('dry run: nothing was sent to the cluster');
    return ExitCode.OK;
  }
  if (adopted.length) {
    report.adopting(scope, adopted);
    if (!options.yes && !deps.confirm)
      throw usageError(
        'refusing to adopt without confirmation: no terminal to ask on',
        'add --yes to adopt from scripts',
      );
  }
  if (sending.length && deps.confirm && !options.yes) {
    const fresh = sending.filter((c) => c.action === 'create').length;
    const question = `Apply ${sending.length} change(s) (${fresh} new) for ${plan.instances.length} instance(s) to namespace ${ns}${namespaceMissing ? ' (to be created)' : ''} with ${cluster.binary}?`;
    if (!(await deps.confirm(question))) {
      report.aside('nothing applied');
      return ExitCode.OK;
    }
  }

  // Nothing half-applied for a reason the server would give: the VMs go through its validation
  // and admission before anything is written (a new namespace has none to check them in yet).
  if (!namespaceMissing) {
    report.activity('checking the changes with the server (dry run)');
    await checkWithServer(cluster, ns, sending, options.parallel ?? 1);
  }

  // Only creates and updates go to oc; a redeploy where nothing changed sends nothing.
  const namespace: ApplyManifest[] =
    namespaceMissing && sending.length ? [namespaceManifest(ns, plan.networks)] : [];
  const creates = new Set<ApplyManifest>(
    sending.filter((c) => c.action === 'create').map((c) => c.manifest!),
  );
  const instanceOf = (m: ApplyManifest) => instanceLabel(m.metadata.labels);
  const own = sending.map((c) => c.manifest!);
  // The shared NADs read as unchanged go too when instance objects are sent, applied under the lock
  // below: a delete of another spec may remove one as unused between this read and the lock, and
  // the VMs would then attach a missing NAD. An apply of one that is still there writes nothing.
  const sharedUnchanged = own.some((m) => instanceOf(m) !== undefined)
    ? planned.manifests.filter(
        (m) =>
          m.kind === 'NetworkAttachmentDefinition' &&
          instanceOf(m) === undefined &&
          changes.changes.some(
            (c) => c.action === 'unchanged' && c.kind === m.kind && c.name === m.metadata.name,
          ),
      )
    : [];
  const stream = createsLast([...namespace, ...sharedUnchanged, ...own], creates, instanceOf);
  let outcomes: ObjectOutcome[] = [];
  let callError: VAutoError | undefined;
  if (stream.length) {
    // A delete of another spec must not judge a shared NAD unused while this apply adds VMs on it.
    const release =
      plan.sharedNads.length && deps.lockSharedNetworks ? await deps.lockSharedNetworks() : undefined;
    // By instance, up to --parallel calls side by side; the Namespace and shared NADs go first, alone,
    // or at the head of a new namespace's one create. A call of only new instance objects is a
    // create: one request per object where apply spends two.
    const fanOut = {
      instanceOf,
      refOf: (m: ApplyManifest) => ({ kind: m.kind, name: m.metadata.name }),
      parallel: options.parallel ?? 1,
      alone: 'first' as const,
      signal: deps.signal,
    };
    const write = (part: ApplyManifest[]) =>
      part.every((m) => creates.has(m)) ? cluster.create(ns, part) : cluster.apply(ns, part);
    const send = async (part: ApplyManifest[]) => {
      const lead = part.filter((m) => instanceOf(m) === undefined);
      const own = part.filter((m) => instanceOf(m) !== undefined);
      let first: ObjectOutcome[] = [];
      if (lead.some((m) => m.kind === 'Namespace')) {
        // A new namespace: the read found nothing, so every object is new. With only new instance
        // objects after them the Namespace (and the shared NADs) head their create, one kubectl
        // process: kubectl creates the stream in order, and NamespaceLifecycle admission looks a
        // namespace its cache has not seen yet up in storage before refusing an object in it
        // (kubernetes/kubernetes@04791b4,
        // staging/src/k8s.io/apiserver/pkg/admission/plugin/namespace/lifecycle/admission.go).
        const together = own.length > 0 && own.every((m) => creates.has(m));
        first = await createLead(cluster, ns, together ? part : lead, plan.settings);
        if (together) return first;
      } else if (lead.length) first = await cluster.apply(ns, lead);
      // Interrupted while the shared objects went: the instance's objects are not started.
      if (own.length && deps.signal?.aborted) return [...first, ...notSentOutcomes(own.map(fanOut.refOf))];
      return [...first, ...(own.length ? await write(own) : [])];
    };
    const counted = countedSend(report, 'applying', stream.length, send);
    ({ outcomes, callError } = await sendFanOut(stream, fanOut, counted).finally(() => release?.()));
    report.activity();
  }
  const byKey = new Map(outcomes.map((o) => [`${o.kind}/${o.name}`, o]));
  const context = {
    project: plan.settings.project,
    spec: plan.settings.spec,
    namespace: ns,
    namespaceUnverified: planned.namespaceExists === undefined,
    namespaceRefused: outcomes.find(
      (o) => o.kind === 'Namespace' && o.result === 'failed' && o.cause !== 'exists',
    ),
  };
  const lines: ResultLine[] = outcomes
    .filter((o) => o.kind === 'Namespace')
    .map((o) => resultLine(o, undefined, context));
  for (const c of changes.changes) {
    const sent = byKey.get(`${c.kind}/${c.name}`);
    if (c.action === 'unchanged' && sent) lines.push(resultLine(sent, c, context));
    else if (c.action === 'unchanged')
      lines.push({
        flag: 'SKIPPED',
        kind: c.kind,
        name: c.name,
        detail: c.stoppedAt ? `stopped by v-auto stop at ${c.stoppedAt}` : 'unchanged',
      });
    else if (c.action === 'imported')
      lines.push({ flag: 'SKIPPED', kind: c.kind, name: c.name, detail: 'disk already imported' });
    else if (c.action === 'create' || c.action === 'update') lines.push(resultLine(sent!, c, context));
  }
  const interrupted = deps.signal?.aborted ?? false;
  if (
    upload &&
    !interrupted &&
    !lines.some((l) => l.flag === 'FAILED' && l.name === upload.disk) &&
    !callError
  ) {
    const sent = await uploadGolden(
      upload,
      ns,
      {
        proxy: plan.settings.upload_proxy,
        insecure: options.insecureUpload ?? false,
        timeoutSeconds: options.wait ?? UPLOAD_READY_SECONDS,
      },
      deps,
    );
    const i = lines.findIndex((l) => l.kind === 'DataVolume' && l.name === upload.disk);
    if (i >= 0 && lines[i].flag === 'SUCCESS' && sent.flag === 'SUCCESS')
      lines[i] = { ...lines[i], detail: `${lines[i].detail}; ${sent.detail}` };
    else if (i >= 0) lines[i] = sent;
  }
  report.results(scope, 'deploy', lines);
  // Ctrl-C or a cron/systemd timeout's SIGTERM mid-apply: what was written is said above; nothing
  // more is started (no prune, restart or wait), and the run ends as interrupted (exit 130).
  if (interrupted) return ExitCode.INTERRUPTED;
  // What others added to or repointed in a VM: left as it is, said once per run.
  const kept = changes.changes.filter((c) => c.kept?.length);
  if (kept.length) report.kept(scope, kept);
  const applied = new Set(lines.filter((l) => l.flag === 'SUCCESS').map((l) => `${l.kind}/${l.name}`));
  const notices = sending.filter((c) => applied.has(`${c.kind}/${c.name}`)).flatMap((c) => c.notices ?? []);
  if (notices.length) report.notices(scope, notices);
  if (!options.prune) report.surplus(scope, changes, plan.instances.length);

  let code: number = lines.some((l) => l.flag === 'FAILED') ? ExitCode.RESOURCE_FAILED : ExitCode.OK;
  // A call that sent nothing while the others went through: its objects are [FAILED], its exit code stands.
  if (callError) code = Math.max(code, callError.exitCode);
  if (options.prune && surplus.length)
    code = Math.max(code, await prune(surplus, scope, options, deps, planned.live));
  // The VMs this apply changed in a way they take only at their next restart.
  const needsRestart = (c: Change) => c.vm === 'restart' && applied.has(`VirtualMachine/${c.name}`);
  if (code === ExitCode.OK && options.restart) {
    const roll = rollOptions(options);
    // Only what was just applied and needs a restart (or, with --pending, every VM the cluster
    // marked RestartRequired in deploy's read); VMs stopped by v-auto stop stay stopped.
    const pendingLive = (c: Change) => roll.pending && c.live !== undefined && restartRequired(c.live);
    const names = changes.changes
      .filter((c) => c.kind === 'VirtualMachine' && !c.stoppedAt && (needsRestart(c) || pendingLive(c)))
      .map((c) => c.name);
    report.restarting(scope, names, roll.batch);
    if (names.length) {
      const target = {
        project: plan.settings.project,
        spec: plan.settings.spec,
        namespace: ns,
        selector: selectorString(specSelector(plan.settings)),
        instances: plan.instances.length,
      };
      code = await rollRestart(cluster, target, names, roll, deps);
    }
  } else {
    const restartable = changes.changes.filter(needsRestart).map((c) => c.name);
    if (restartable.length) report.restartNeeded(scope, restartable);
  }
  if (code === ExitCode.OK && options.wait !== undefined && !options.restart)
    return waitReady(cluster, plan, options.wait, deps);
  return code;
}

/**
 * The Namespace deploy creates: with the primary-UDN label when the spec attaches a UDN, since the
 * label can only be given at creation (PRIMARY_UDN_NAMESPACE_LABEL says why).
 */
function namespaceManifest(name: string, networks: PlannedNetwork[]): ApplyManifest {
  const udn = networks.some((n) => n.settings.type === 'udn');
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, ...(udn ? { labels: { [PRIMARY_UDN_NAMESPACE_LABEL]: '' } } : {}) },
  } as ApplyManifest;
}

/**
 * The new Namespace and what goes in its call (a first deploy's shared NADs, and the instances'
 * objects when they go in one call), by create, never apply: a Namespace someone made since the
 * read (another spec's deploy, `oc new-project`) is left as it is, where an apply would write
 * kubectl's last-applied annotation onto an object v-auto does not own. Its AlreadyExists is
 * reported as skipped, and kubectl goes on to the objects after it. A shared NAD found made
 * meanwhile is read once more: another spec's deploy of the project made it, and it is applied then,
 * as it would have been without the race; anyone else's stays as it is and fails as made since the
 * read, so that the next deploy plans against it and says whose it is.
 */
async function createLead(
  cluster: ClusterClient,
  ns: string,
  manifests: ApplyManifest[],
  owner: SpecRef,
): Promise<ObjectOutcome[]> {
  const outcomes = await cluster.create(ns, manifests);
  const taken = manifests.filter(
    (m, i) =>
      m.kind !== 'Namespace' &&
      instanceLabel(m.metadata.labels) === undefined &&
      outcomes[i].cause === 'exists',
  );
  if (!taken.length) return outcomes;
  const live = await cluster.list(ns, [...new Set(taken.map((m) => m.kind))]);
  const ours = taken.filter((m) =>
    live.some(
      (o) =>
        o.kind === m.kind &&
        o.metadata.name === m.metadata.name &&
        isOurs(o.metadata.labels, m.metadata.labels, owner),
    ),
  );
  if (!ours.length) return outcomes;
  const again = new Map((await cluster.apply(ns, ours)).map((o) => [`${o.kind}/${o.name}`, o]));
  return outcomes.map((o) => again.get(`${o.kind}/${o.name}`) ?? o);
}

/**
 * The objects of no instance first (the Namespace, shared NADs: before what needs them), then the
 * instances with an update, then those with only creates, each in the order given. The fan-out deals
 * instances to calls in runs, so at most one call mixes both and has to be an apply.
 */
function createsLast(
  stream: ApplyManifest[],
  creates: Set<ApplyManifest>,
  instanceOf: (m: ApplyManifest) => string | undefined,
): ApplyManifest[] {
  const updated = new Set(stream.filter((m) => !creates.has(m)).map(instanceOf));
  const rank = (m: ApplyManifest) => (instanceOf(m) === undefined ? 0 : updated.has(instanceOf(m)) ? 1 : 2);
  return stream.sort((a, b) => rank(a) - rank(b));
}

/**
 * --prune's golden images: those of the project that no spec of it plans (each spec as its file
 * says, this one as planned now), unless a clone of the image is in progress. A spec of the
 * project that cannot be planned leaves every golden image alone: it may plan any of them.
 */
function staleGolden(options: DeployOptions, plan: Plan, live: K8sObject[], deps: ClusterDeps): K8sObject[] {
  const planned = { disks: new Set<string>(), sources: new Set<string>() };
  for (const spec of listProjectSpecs(options.home, plan.settings.project)) {
    let golden: GoldenImage | undefined;
    try {
      golden =
        spec === plan.settings.spec
          ? plan.golden
          : planSpec({ home: options.home, project: plan.settings.project, spec }, deps).plan.golden;
    } catch (err) {
      if (!(err instanceof VAutoError)) throw err;
      deps.report.aside(
        `--prune keeps every golden image: spec ${spec} cannot be planned (${err.message.split('\n')[0]})`,
      );
      return [];
    }
    if (golden) {
      planned.disks.add(goldenDiskName(golden));
      planned.sources.add(goldenSourceName(golden));
    }
  }
  const { stale, inUse } = staleGoldenImages(live, plan.settings.project, planned);
  if (inUse.length)
    deps.report.aside(`--prune keeps golden image(s) ${inUse.join(', ')}: a clone from them is in progress`);
  return stale;
}

/**
 * --prune's shared NADs: those in this namespace with the project's shared-NAD labels (ours, as
 * model/ownership.ts decides) that no spec of the workspace plans to attach there, deployed or not,
 * this one as planned now and the others as their files say; a spec of another project that names
 * the same NAD keeps it too. A spec that cannot be planned leaves every shared NAD alone: it may
 * attach any of them. The delete then judges each again under the shared-network lock: a VM or Pod
 * that still attaches it (a running VM not yet restarted onto its new networks) keeps it.
 */
function staleSharedNads(
  options: DeployOptions,
  plan: Plan,
  live: K8sObject[],
  deps: ClusterDeps,
): K8sObject[] {
  const ns = plan.settings.namespace;
  const attached = new Set<string>();
  for (const ref of listSpecs(options.home)) {
    let other: Plan;
    try {
      other =
        ref.project === plan.settings.project && ref.spec === plan.settings.spec
          ? plan
          : planSpec({ home: options.home, ...ref }, deps).plan;
    } catch (err) {
      if (!(err instanceof VAutoError)) throw err;
      deps.report.aside(
        `--prune keeps every shared NAD: spec ${ref.project}/${ref.spec} cannot be planned (${err.message.split('\n')[0]})`,
      );
      return [];
    }
    if (other.settings.namespace !== ns) continue;
    for (const n of other.networks) if (n.settings.nad_name) attached.add(n.settings.nad_name);
  }
  const ours = sharedSelector(plan.settings);
  return live.filter(
    (o) =>
      o.kind === 'NetworkAttachmentDefinition' &&
      matches(o.metadata.labels, ours) &&
      !attached.has(o.metadata.name) &&
      !o.metadata.deletionTimestamp,
  );
}

/** --prune: the surplus objects go by delete's rules (listed, disks marked, --keep-disks, asked). */
function prune(
  surplus: K8sObject[],
  scope: ResultScope,
  options: DeployOptions,
  deps: ClusterDeps,
  everything: K8sObject[],
): Promise<number> {
  // A shared NAD goes as delete's own do: judged again under the shared-network lock.
  const doomed = surplus.map((object) => ({
    object,
    why: isSharedNad(object.metadata.labels) ? ('shared' as const) : ('surplus' as const),
  }));
  return deleteListed(
    doomed,
    {
      scope,
      dryRun: options.dryRun,
      yes: options.yes,
      keepDisks: options.keepDisks ?? false,
      parallel: options.parallel,
      command: { name: 'prune' },
      everything,
      skipProtected: options.skipProtected,
    },
    deps,
  );
}

type Context = {
  project: string;
  spec: string;
  namespace: string;
  namespaceUnverified: boolean;
  /** The new Namespace's create failed in this run: what went into it failed for that. */
  namespaceRefused?: ObjectOutcome;
};

function resultLine(o: ObjectOutcome, c: Change | undefined, at: Context): ResultLine {
  // Made since the read, by someone else: the objects in it went, and the Namespace stays theirs.
  if (o.kind === 'Namespace' && o.cause === 'exists')
    return { flag: 'SKIPPED', kind: o.kind, name: o.name, detail: 'already exists' };
  if (o.result === 'failed')
    return { flag: 'FAILED', kind: o.kind, name: o.name, detail: o.reason, hint: failureHint(o, at) };
  if (o.result === 'unchanged') return { flag: 'SKIPPED', kind: o.kind, name: o.name, detail: 'unchanged' };
  let detail: string = o.result;
  if (c?.adopt) detail += '; adopted';
  if (c?.stoppedAt) detail += `; kept stopped (v-auto stop at ${c.stoppedAt})`;
  if (c?.vm === 'restart') detail += '; needs a restart to apply the change (see the notice below)';
  if (c?.vm === 'live')
    detail += `; applied live: ${c.fields!.map((f) => f.path.replace('spec.template.spec.domain.', '')).join(', ')}`;
  return { flag: 'SUCCESS', kind: o.kind, name: o.name, detail };
}

function failureHint(o: ObjectOutcome, at: Context): string | undefined {
  if (o.kind === 'DataVolume' && o.cause === 'immutable') {
    const instance = instanceOfRootDisk(o.name) ?? o.name;
    return `a DataVolume cannot change once created: run "v-auto ${at.project} ${at.spec} delete --target ${instance}" and deploy again (this recreates its disk)`;
  }
  if (o.kind === 'Namespace' && o.cause === 'forbidden')
    return `your user may not create namespaces: run "oc new-project ${o.name}" or ask an admin to create it, then deploy again`;
  if (o.denied) {
    const { verb, resource, namespace: ns } = o.denied;
    return `your user may not ${verb} ${resource}${ns ? ` in namespace ${ns}` : ''}: ask a cluster admin for "${verb}" on ${resource}${ns ? ` in ${ns}` : ''}`;
  }
  if (o.cause === 'forbidden') return 'your user lacks the rights for this resource; ask a cluster admin';
  if (o.cause === 'server') return 'the cluster could not answer for it; run deploy again';
  if (o.cause === 'exists')
    return `someone created it after deploy read namespace ${at.namespace}: run deploy again to plan against it`;
  if (o.cause === 'namespace-missing') {
    if (at.namespaceRefused)
      return `namespace ${at.namespace} could not be created (its line above says why), so nothing could be created in it`;
    return at.namespaceUnverified
      ? `namespace ${at.namespace} does not exist, and your user may not read or create namespaces: run "oc new-project ${at.namespace}" or ask an admin`
      : 'the namespace disappeared during deploy; run deploy again';
  }
  return undefined;
}

type DryRun = [verb: 'create' | 'apply', manifests: ApplyManifest[], calls: number];

/**
 * Each VM dry-run as it will be written: a new one by create (one request where apply spends two), a
 * changed one by apply, within --parallel calls in all: shared in proportion, at least one each. A
 * scale-up with a change at --parallel 1 is one apply of all: two processes would break the promise
 * of one call at a time, and apply answers for a new object as create does.
 */
function dryRuns(parallel: number, fresh: ApplyManifest[], changed: ApplyManifest[]): DryRun[] {
  if (!changed.length) return [['create', fresh, parallel]];
  if (!fresh.length) return [['apply', changed, parallel]];
  if (parallel < 2) return [['apply', [...fresh, ...changed], 1]];
  const forCreate = Math.min(
    parallel - 1,
    Math.max(1, Math.round((parallel * fresh.length) / (fresh.length + changed.length))),
  );
  return [
    ['create', fresh, forCreate],
    ['apply', changed, parallel - forCreate],
  ];
}

/**
 * A server-side dry run of the VMs to be created or changed: they carry the user's scheduling input
 * (tolerations, affinity, node selector) and are sent last, so a refusal there would come after the
 * Namespace, NADs, Secrets and DataVolumes (whose imports start) were written. Any refusal is exit 2
 * with the server's reason per VM, before anything is sent; a denial of the dry run itself is the
 * cluster-access error it would be on the write (exit 3). Dealt to `--parallel` calls by instance as
 * the apply is: one kubectl for 200 VMs took 7.8 s of a 20 s change (docs/performance.md).
 */
async function checkWithServer(
  cluster: ClusterClient,
  ns: string,
  sending: Change[],
  parallel: number,
): Promise<void> {
  const vms = sending.filter((c) => c.kind === 'VirtualMachine');
  if (!vms.length) return;
  const fresh = vms.filter((c) => c.action === 'create').map((c) => c.manifest!);
  const changed = vms.filter((c) => c.action !== 'create').map((c) => c.manifest!);
  const answers = await Promise.all(
    dryRuns(parallel, fresh, changed).flatMap(([verb, manifests, calls]) => {
      const fan = planFanOut(manifests, (m) => instanceLabel(m.metadata.labels), calls);
      return (fan.alone.length ? [...fan.calls, fan.alone] : fan.calls).map((part) =>
        cluster.dryRun(ns, part, verb),
      );
    }),
  );
  // AlreadyExists on a create's dry run refuses nothing in the input: someone made that VM since the
  // read, and the write says so on its line, as it did when the dry run was an apply.
  const refused = answers.flat().filter((o) => o.result === 'failed' && o.cause !== 'exists');
  if (!refused.length) return;
  // A server that could not answer (5xx, 429) refused nothing: the cluster's fault, not the input's.
  const unanswered = refused.find((o) => o.cause === 'server');
  if (unanswered)
    throw new VAutoError(
      `the cluster could not answer the server-side dry run of ${unanswered.kind} ${unanswered.name}; nothing was sent: ${printable(unanswered.reason || 'no message')}`,
      { exitCode: ExitCode.CLUSTER, hint: 'try again; if it persists, check the API server' },
    );
  const denied = refused.find((o) => o.denied)?.denied;
  if (denied)
    throw new VAutoError(
      `forbidden: your user may not ${denied.verb} ${denied.resource} in namespace ${ns} (the server-side dry run of the VirtualMachines); nothing was sent`,
      {
        exitCode: ExitCode.CLUSTER,
        hint: `ask a cluster admin for "${denied.verb}" on ${denied.resource} in ${ns}`,
      },
    );
  // The server's words, each kept to one line: they may carry anything.
  const lines = refused.map((o) => `${o.kind} ${o.name}: ${printable(o.reason ?? 'refused, no message')}`);
  throw usageError(
    `the API server refused ${refused.length === 1 ? 'a VirtualMachine' : `${refused.length} VirtualMachines`} in a server-side dry run; nothing was sent: ${lines[0]}${lines
      .slice(1)
      .map((l) => `\n  also: ${l}`)
      .join('')}`,
    'fix what the server names in the spec (tolerations, affinity, node_selector, sizes) and deploy again; "inspect -o yaml" shows the VirtualMachine v-auto renders',
  );
}

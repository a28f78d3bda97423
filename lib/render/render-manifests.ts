// Fills one template per resource kind for every planned instance and parses the result (pure).
import { load } from 'js-yaml';
import { didYouMean } from '../config/did-you-mean.js';
import { usageError } from '../errors.js';
import type { ConfigMap } from '../config/merge.js';
import type { GoldenImage } from '../config/settings.js';
import {
  cloudInitSecretName,
  goldenDiskName,
  goldenSourceName,
  rootDiskName,
  UDN_ADDRESSES_ANNOTATION,
} from '../model/names.js';
import { goldenLabels, instanceLabels, sharedNadLabels } from '../model/ownership.js';
import { onPodNetwork, type Instance, type Plan, type PlannedNetwork } from '../plan/plan-instances.js';
import { compileCloudInit, type CloudInitRenderer } from './cloud-init.js';
import { assertSizeLimits } from './size-limits.js';
import { generatesNetworkData } from './network-config.js';
import { PRECOMPILED } from './builtin-templates.js';
import { compileTemplate, type CompiledTemplate } from './handlebars-env.js';

/** A Kubernetes object as v-auto renders it. */
/** A spec planned and rendered: what inspect shows and deploy compares with the cluster. */
export interface Prepared {
  plan: Plan;
  manifests: Manifest[];
  /** Variables that came from the environment or a prompt, never printed. */
  inputs: ConfigMap;
  /** Variables left as placeholders (inspect without --show-secrets never asks for them). */
  placeholders: string[];
  /** What rendering found that may not do what it says: cloud-init's deprecations, once each. */
  warnings: string[];
}

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

export const TEMPLATE_FILES = {
  nad: 'nad.yaml.hbs',
  secret: 'secret.yaml.hbs',
  datavolume: 'datavolume.yaml.hbs',
  datasource: 'datasource.yaml.hbs',
  virtualmachine: 'virtualmachine.yaml.hbs',
} as const;
export type TemplateKind = keyof typeof TEMPLATE_FILES;

export interface TemplateSet {
  compiled: Record<TemplateKind, CompiledTemplate>;
  labels: Record<TemplateKind, string>;
}

/** Compiles the templates: a site file (`<home>/templates/x.yaml.hbs`) replaces the built-in one. */
export function compileTemplates(builtin: Record<string, string>, site: Record<string, string>): TemplateSet {
  const known = Object.values(TEMPLATE_FILES) as string[];
  const stray = Object.keys(site).find((file) => !known.includes(file));
  // A misnamed override would otherwise be ignored without a word, and the built-in one used.
  if (stray) {
    const meant = didYouMean(stray, known);
    const list = `ite templates replace built-in ones of the same name: ${known.join(', ')}`;
    throw usageError(
      `templates/${stray}: no resource kind uses this template`,
      meant ? `did you mean ${meant}? S${list}` : `s${list}`,
    );
  }
  const compiled = {} as Record<TemplateKind, CompiledTemplate>;
  const labels = {} as Record<TemplateKind, string>;
  for (const [kind, file] of Object.entries(TEMPLATE_FILES) as [TemplateKind, string][]) {
    const fromSite = file in site;
    labels[kind] = `${fromSite ? 'templates' : 'built-in templates'}/${file}`;
    const source = fromSite ? site[file] : builtin[file];
    if (source === undefined) throw new Error(`built-in template ${file} is missing`);
    compiled[kind] = compileTemplate(labels[kind], source, fromSite ? undefined : PRECOMPILED[file]);
  }
  return { compiled, labels };
}

/**
 * Renders all manifests in creation order (model/kinds.ts): NADs, Secrets, DataVolumes (the golden
 * one first), a golden image's DataSource, VirtualMachines. `cloudInit`:
 * the spec's cloud-init compiled once for renders of several parts of one plan, so that they share
 * its compiled templates and its password hashes (else compiled here, for this render alone).
 */
export function renderManifests(
  plan: Plan,
  templates: TemplateSet,
  inputs: ConfigMap = {},
  specLabel = `spec ${plan.settings.spec}`,
  options: { maskSecrets?: boolean; cloudInit?: CloudInitRenderer } = {},
): Manifest[] {
  const s = plan.settings;
  const cloudInit = options.cloudInit ?? compileCloudInit(plan, specLabel);
  // A rendered Secret line is user-data (a hash, or an input in clear): never quoted in an error.
  const secretValues = Object.values(inputs).filter((v): v is string => typeof v === 'string' && v !== '');
  const quotable = (kind: TemplateKind) => (line: string) =>
    kind !== 'secret' && !secretValues.some((v) => line.includes(v));
  const render = (kind: TemplateKind, context: object, instance: string) =>
    parseManifest(templates.compiled[kind](context), templates.labels[kind], instance, quotable(kind));

  const nads: Manifest[] = plan.sharedNads.map((net) =>
    render(
      'nad',
      nadContext(
        plan,
        net,
        net.settings.nad_name!,
        sharedNadLabels(plan.settings, plan.settings.labels),
        null,
      ),
      'shared',
    ),
  );
  // The golden image is the spec's own choice even in a part rendered without it (plan.golden unset).
  const golden = 'golden' in s.image ? s.image.golden : undefined;
  const [goldenDisk, goldenSource] = plan.golden ? renderGolden(plan, plan.golden, render) : [];
  const secrets: Manifest[] = [];
  const disks: Manifest[] = [];
  const vms: Manifest[] = [];
  for (const instance of plan.instances) {
    const labels = instanceLabels(plan.settings, instance.name, plan.settings.labels);
    for (const nic of instance.nics) {
      if (nic.ownNad)
        nads.push(
          render('nad', nadContext(plan, nic.network, nic.ownNad, labels, nic.address!), instance.name),
        );
    }
    const { userdata, networkdata } = cloudInit.render(instance, inputs, options);
    secrets.push(
      render(
        'secret',
        {
          name: cloudInitSecretName(instance.name),
          namespace: s.namespace,
          labels,
          userdata,
          networkdata: networkdata ?? null,
        },
        instance.name,
      ),
    );
    disks.push(
      render(
        'datavolume',
        {
          ...baseContext(plan),
          name: rootDiskName(instance.name),
          labels,
          ...(golden && { image: { datasource: { name: goldenSourceName(golden) } } }),
        },
        instance.name,
      ),
    );
    vms.push(render('virtualmachine', vmContext(plan, instance, labels), instance.name));
  }
  const manifests = [
    ...nads,
    ...secrets,
    ...(goldenDisk ? [goldenDisk] : []),
    ...disks,
    ...(goldenSource ? [goldenSource] : []),
    ...vms,
  ];
  assertSizeLimits(manifests);
  return manifests;
}

/**
 * A golden image: its DataVolume, imported from the URL or registry or given `source.upload` for a
 * file, and the DataSource naming its PVC. Both bind at once (CDI's
 * `cdi.kubevirt.io/storage.bind.immediate.requested`, AnnImmediateBinding in
 * kubevirt/containerized-data-importer@c07cdb6 pkg/controller/common/util.go): no VM ever consumes
 * the golden PVC, so on a WaitForFirstConsumer storage class it would otherwise never import.
 */
function renderGolden(
  plan: Plan,
  image: GoldenImage,
  render: (kind: TemplateKind, context: object, instance: string) => Manifest,
): Manifest[] {
  const s = plan.settings;
  const labels = goldenLabels(plan.settings, image.name, plan.settings.labels);
  const disk = goldenDiskName(image);
  const source = 'file' in image.source ? { upload: true } : image.source;
  const annotations = {
    'cdi.kubevirt.io/storage.bind.immediate.requested': 'true',
    ...(image.sha256 && { 'v-auto/sha256': image.sha256 }),
  };
  return [
    render(
      'datavolume',
      {
        ...baseContext(plan),
        name: disk,
        labels,
        annotations,
        image: {
          ...source,
          secret_ref: image.secret_ref ?? null,
          cert_configmap: image.cert_configmap ?? null,
        },
        disk_size: image.size,
      },
      `image ${image.name}`,
    ),
    render(
      'datasource',
      { name: goldenSourceName(image), namespace: s.namespace, disk, labels },
      `image ${image.name}`,
    ),
  ];
}

function baseContext(plan: Plan) {
  const s = plan.settings;
  return {
    annotations: null,
    namespace: s.namespace,
    image: s.image,
    disk_size: s.disk_size,
    storage_class: s.storage_class ?? null,
    access_mode: s.access_mode ?? null,
    volume_mode: s.volume_mode ?? null,
  };
}

function nadContext(
  plan: Plan,
  net: PlannedNetwork,
  name: string,
  labels: Record<string, string>,
  address: { cidr: string; gateway?: string } | null,
) {
  const n = net.settings;
  const ipam = address
    ? {
        type: 'static',
        addresses: [{ address: address.cidr, ...(address.gateway ? { gateway: address.gateway } : {}) }],
        ...(net.dns.length ? { dns: { nameservers: net.dns } } : {}),
      }
    : {};
  const cni = {
    cniVersion: '0.3.1',
    name,
    type: n.cni_type,
    bridge: n.bridge,
    // The port in the VLAN alone: the bridge plugin otherwise keeps it in the bridge's default VLAN
    // too (untagged traffic), its default until containernetworking/plugins v1.8.0; OpenShift's
    // Linux bridge NAD sets it and says "The default value is `true`" (openshift/openshift-docs@082db4ce
    // modules/virt-creating-linux-bridge-nad-cli.adoc).
    ...(n.vlan !== undefined ? { vlan: n.vlan, preserveDefaultVlan: false } : {}),
    ...(n.mtu !== undefined ? { mtu: n.mtu } : {}),
    macspoofchk: true,
    // ipam.mode cloud-init: OpenShift's Linux bridge NAD for VMs, which has no IPAM ("Configuring IPAM in a
    // network attachment definition for virtual machines is not supported") and, from 4.16 on,
    // "disableContainerInterface": true (openshift/openshift-docs@83a1099e, #84213,
    // modules/virt-creating-linux-bridge-nad-cli.adoc; the warning kept in #101718, 2025-10).
    ...(n.ipam?.mode === 'cloud-init' ? { disableContainerInterface: true } : { ipam }),
  };
  return {
    name,
    namespace: plan.settings.namespace,
    labels,
    bridge: n.bridge,
    vlan: n.vlan ?? null,
    network: net.name,
    address,
    cni,
  };
}

function vmContext(plan: Plan, instance: Instance, labels: Record<string, string>) {
  const s = plan.settings;
  return {
    name: instance.name,
    namespace: s.namespace,
    labels,
    annotations: Object.keys(s.annotations).length ? s.annotations : null,
    run_strategy: s.run_strategy,
    // `cpu` stays the number of vCPUs (site templates use it as such); null with an instance type.
    cpu: s.cpu ?? null,
    cpu_sockets: s.cpu_topology === 'sockets',
    max_sockets: s.max_sockets ?? null,
    memory: s.memory ?? null,
    instancetype: s.instancetype ?? null,
    preference: s.preference ?? null,
    eviction_strategy: s.eviction_strategy ?? null,
    node_selector: Object.keys(s.node_selector).length ? s.node_selector : null,
    affinity: s.affinity ?? null,
    tolerations: s.tolerations ?? null,
    nics: instance.nics.map((nic) => ({
      name: nic.network.name,
      pod: onPodNetwork(nic.network),
      // The primary UDN's binding (openshift/openshift-docs@10f82ddc modules/virt-attaching-vm-to-primary-udn.adoc:
      // "The required value is `l2bridge`").
      binding: nic.network.settings.type === 'udn' ? 'l2bridge' : null,
      // A primary UDN's NIC asks for no MAC: it gets its pod interface's, OVN-Kubernetes' (plan/mac-range.ts ovnDerivedMac).
      mac: nic.platformMac ? null : nic.mac,
      nad: nic.nadRef ?? null,
      address: nic.address?.cidr ?? null,
    })),
    template_annotations: addressRequests(instance),
    root_disk: rootDiskName(instance.name),
    cloud_init_secret: cloudInitSecretName(instance.name),
    has_network_data: s.network_data !== undefined || generatesNetworkData(plan),
  };
}

/**
 * The VMI's `network.kubevirt.io/addresses` annotation for the UDN address: `{"<interface>": ["<ip>"]}`,
 * plain addresses without a prefix. KubeVirt's IPAM extensions read it from the VMI (so from the VM
 * template's metadata), take the addresses of the pod-network interface and append the subnet's prefix
 * (kubevirt/ipam-extensions@edb24dec pkg/ips/primarynetwork.go VmiInterfaceIPRequests: a value with a
 * prefix fails its IsIPv4 check), and ask OVN-Kubernetes for them through the launcher pod's
 * v1.multus-cni.io/default-network (pkg/ipamclaimswebhook/podmutator.go).
 */
function addressRequests(instance: Instance): Record<string, string> | null {
  const udn = instance.nics.find((n) => n.network.settings.type === 'udn' && n.address);
  return udn
    ? { [UDN_ADDRESSES_ANNOTATION]: JSON.stringify({ [udn.network.name]: [udn.address!.ip] }) }
    : null;
}

function parseManifest(
  text: string,
  label: string,
  instance: string,
  quotable: (line: string) => boolean,
): Manifest {
  let doc: unknown;
  try {
    // js-yaml: ten times faster than the yaml package on these small documents (1,000 instances
    // are 4,000 parses); duplicate keys are errors in both.
    doc = load(text);
  } catch (err) {
    // The position is in the rendered text, not in the template: quote the rendered line so it can be found.
    const e = err as { reason?: string; message: string; mark?: { line: number } };
    const all = text.split('\n');
    // The parser often stops on the blank line after the culprit: point at the last line with text.
    let line = Math.min(e.mark?.line ?? 0, all.length - 1);
    while (line > 0 && !all[line]?.trim()) line--;
    const where = !e.mark
      ? ''
      : quotable(all[line])
        ? ` (rendered line ${line + 1}: ${JSON.stringify(all[line].trim())})`
        : ` (rendered line ${line + 1}, not shown: it may hold a secret)`;
    throw usageError(
      `${label}: rendered invalid YAML for ${instance}${where}: ${e.reason ?? e.message.split('\n')[0]}`,
    );
  }
  const m = doc as Manifest | null;
  if (
    !m ||
    typeof m !== 'object' ||
    Array.isArray(m) ||
    typeof m.kind !== 'string' ||
    typeof m.metadata?.name !== 'string'
  ) {
    throw usageError(
      `${label}: rendered for ${instance} is not a Kubernetes object (needs apiVersion, kind and metadata.name)`,
    );
  }
  return m;
}

// The readable `inspect` report: what a spec will create, without any secret values.
import { goldenDiskName } from '../model/names.js';
import type { Prepared } from '../render/render-manifests.js';
import { COMMON_INSTANCETYPES, COMMON_PREFERENCES } from '../config/common-instancetypes.js';
import { INSTANCETYPE_KINDS, PREFERENCE_KINDS, TOP_LEVEL } from '../config/rules.js';
import type { ImageSource, Settings } from '../config/settings.js';
import { diskBlocker, drainWarning } from '../plan/live-migration.js';
import type { PlannedNetwork } from '../plan/plan-instances.js';
import { generatesNetworkData } from '../render/network-config.js';
import { formatTable } from './table.js';
import { manifestsAsJson, manifestsAsYaml } from './manifest-output.js';
import type { Manifest } from '../render/render-manifests.js';

/** `inspect`'s output: the manifests as YAML or JSON, or the readable report. */
export function printInspect(
  result: { prepared: Prepared; manifests: Manifest[] },
  format: 'table' | 'yaml' | 'json',
  sets: string[],
): string {
  if (format === 'yaml') return manifestsAsYaml(result.manifests);
  if (format === 'json') return manifestsAsJson(result.manifests);
  return inspectReport(result.prepared, sets);
}

export function inspectReport(
  { plan, manifests, inputs, placeholders }: Prepared,
  overrides: string[],
): string {
  const s = plan.settings;
  const lines: string[] = [];
  const count = plan.instances.length;
  lines.push(
    `${s.project}/${s.spec} → namespace ${s.namespace}: ${count} instance${count === 1 ? '' : 's'} of ${s.replicas}`,
  );
  lines.push(`  image:       ${describeImage(s.image)}`);
  lines.push(
    `  size:        ${describeSize(s)}, ${s.disk_size} disk${s.storage_class ? ` on ${s.storage_class}` : ''}${s.access_mode ? `, ${s.access_mode}` : ''}${s.volume_mode ? `, ${s.volume_mode}` : ''}`,
  );
  if (s.preference) lines.push(`  preference:  ${describePreference(s.preference)}`);
  lines.push(`  run:         ${s.run_strategy}`);
  lines.push(
    `  eviction:    ${s.eviction_strategy ?? "the cluster's default (LiveMigrate on multi-node OpenShift)"}`,
  );
  const blocker = diskBlocker(s.access_mode ? [s.access_mode] : undefined, 'access_mode');
  const drain = blocker && drainWarning(s.eviction_strategy, blocker);
  if (drain) lines.push(`  warning:     ${drain}`);
  // Values of known settings are shown; a template variable's value may be a secret.
  const shown = overrides.map((o) =>
    o.split('.')[0].split('=')[0] in TOP_LEVEL ? o : `${o.split('=')[0]}=<hidden>`,
  );
  if (shown.length) lines.push(`  overrides:   ${shown.join(', ')}`);
  lines.push('  networks:');
  for (const n of plan.networks) lines.push(`    ${n.name}: ${describeNetwork(n)}`);
  const sel = Object.entries(s.node_selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  lines.push(
    `  scheduling:  node_selector ${sel || 'none'}; affinity ${s.affinity ? Object.keys(s.affinity).join(', ') : 'none'}; tolerations ${s.tolerations?.length ?? 0}`,
  );
  const inputNames = [...Object.keys(inputs), ...placeholders.map((p) => `${p} (asked at deploy)`)];
  lines.push(
    `  cloud-init:  ${typeof s.cloud_init === 'object' ? 'cloud-config map' : s.cloud_init ? 'template' : 'default (hostname only)'}${s.network_data ? ', with network-data' : generatesNetworkData(plan) ? ', network-config v2 generated for the attached networks' : ''}`,
  );
  if (inputNames.length) lines.push(`  inputs:      ${inputNames.join(', ')}; values are never printed`);
  lines.push('');
  const rows = plan.instances.map((i) => [
    i.name,
    i.nics
      .map((n) => `${n.network.name}=${n.address?.cidr ?? (n.network.kind === 'pod' ? 'pod' : 'dhcp')}`)
      .join(' '),
    i.nics.map((n) => n.guestInterface).join(','),
  ]);
  lines.push(formatTable(['INSTANCE', 'ADDRESSES', 'GUEST NICS'], rows, '  '));
  lines.push('');
  const kinds = new Map<string, number>();
  for (const m of manifests) kinds.set(m.kind, (kinds.get(m.kind) ?? 0) + 1);
  lines.push(
    `  ${manifests.length} resources: ${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')} (see -o yaml)`,
  );
  return `${lines.join('\n')}\n`;
}

/** The size an instance type gives, when it is one of the common set; else the cluster decides. */
function describeSize(s: Settings): string {
  return s.sizeReplaced ? `${sizeOf(s)} (replaces ${s.sizeReplaced})` : sizeOf(s);
}

function sizeOf(s: Settings): string {
  const it = s.instancetype;
  if (it) {
    const known = it.kind === INSTANCETYPE_KINDS[0] ? COMMON_INSTANCETYPES[it.name] : undefined;
    if (known)
      return `instance type ${it.name}: ${known[0]} vCPU${known[0] === 1 ? '' : 's'}, ${known[1]} memory (common instance type)`;
    return `instance type ${it.name} (${it.kind}): its CPU and memory come from the cluster`;
  }
  const cpu =
    s.cpu_topology === 'sockets'
      ? `${s.cpu} socket${s.cpu === 1 ? '' : 's'}, hot-pluggable up to ${s.max_sockets ?? "the cluster's maxCpuSockets (else 4× at boot)"}`
      : `${s.cpu} cores`;
  return `${cpu}, ${s.memory} memory`;
}

function describePreference(p: { name: string; kind: string }): string {
  if (p.kind === PREFERENCE_KINDS[0])
    return `${p.name}${COMMON_PREFERENCES.includes(p.name) ? ' (common preference)' : ' (VirtualMachineClusterPreference, from the cluster)'}`;
  return `${p.name} (${p.kind}, from the cluster)`;
}

function describeImage(image: ImageSource): string {
  if ('url' in image) return `http ${image.url}`;
  if ('registry' in image) return `registry ${image.registry}`;
  if ('pvc' in image) return `clone of PVC ${image.pvc.namespace ?? '(same namespace)'}/${image.pvc.name}`;
  if ('golden' in image) {
    const g = image.golden;
    const from =
      'url' in g.source
        ? g.source.url
        : 'registry' in g.source
          ? g.source.registry
          : `upload of ${g.source.file}`;
    return `golden image ${g.name} (DataSource ${g.name}, DataVolume ${goldenDiskName(g)} from ${from}, ${g.size}): one import per namespace, a clone per instance`;
  }
  return `DataSource ${image.datasource.namespace ?? '(same namespace)'}/${image.datasource.name}`;
}

function describeNetwork(n: PlannedNetwork): string {
  const ovn = ovnNetwork(n);
  if (ovn) {
    const ipam = n.settings.ipam;
    return ipam
      ? `${ovn}; static ${ipam.range} from offset ${n.offset}${n.gateway ? `, gateway ${n.gateway}` : ''}${n.dns.length ? `, dns ${n.dns.join(',')}` : ''}, ${n.settings.type === 'udn' ? 'asked for with the network.kubevirt.io/addresses annotation' : "the address only in the guest's network-config"}`
      : ovn;
  }
  const via = n.settings.bridge
    ? ` on bridge ${n.settings.bridge}${n.settings.vlan ? ` vlan ${n.settings.vlan}` : ''}`
    : '';
  switch (n.kind) {
    case 'pod':
      return 'pod network (masquerade)';
    case 'static':
      return `static ${n.settings.ipam!.range} from offset ${n.offset}${n.gateway ? `, gateway ${n.gateway}` : ''}${n.dns.length ? `, dns ${n.dns.join(',')}` : ''}; ${n.settings.ipam!.mode === 'cloud-init' ? `ipam.mode cloud-init: one shared NAD ${n.settings.nad_name}${via} without IPAM, the address only in the guest's network-config` : `one NAD per instance${via}`}`;
    case 'dhcp':
      return `DHCP via shared NAD ${n.settings.nad_name}${via}`;
    case 'existing':
      return `existing NAD ${n.settings.nad_name} (not managed by v-auto)`;
  }
}

/** An OVN-Kubernetes network, which the platform owns: what it is, without v-auto's NAD wording. */
function ovnNetwork(n: PlannedNetwork): string | undefined {
  const s = n.settings;
  if (s.type === 'udn') return "the namespace's primary user-defined network (l2bridge)";
  if (s.type === 'localnet')
    return `OVN-Kubernetes localnet NAD ${s.nad_name}${s.physical_network ? ` on ${s.physical_network}` : ''}${s.vlan ? ` vlan ${s.vlan}` : ''} (not managed by v-auto)`;
  return undefined;
}

// The readable `inspect` report: what a spec will create, without any secret values.
import type { Prepared } from '../actions/prepare-manifests.js';
import { TOP_LEVEL } from '../config/rules.js';
import type { ImageSource } from '../config/settings.js';
import type { PlannedNetwork } from '../plan/plan-instances.js';
import { formatTable } from './table.js';

export function inspectReport({ plan, manifests, inputs, placeholders }: Prepared, overrides: string[]): string {
  const s = plan.settings;
  const lines: string[] = [];
  const count = plan.instances.length;
  lines.push(`${s.project}/${s.spec} → namespace ${s.namespace}: ${count} instance${count === 1 ? '' : 's'} of ${s.replicas}`);
  lines.push(`  image:       ${describeImage(s.image)}`);
  lines.push(`  size:        ${s.cpu} cores, ${s.memory} memory, ${s.disk_size} disk${s.storage_class ? ` on ${s.storage_class}` : ''}${s.access_mode ? `, ${s.access_mode}` : ''}${s.volume_mode ? `, ${s.volume_mode}` : ''}`);
  lines.push(`  run:         ${s.run_strategy}`);
  // Values of known settings are shown; a template variable's value may be a secret.
  const shown = overrides.map((o) => (o.split('.')[0].split('=')[0] in TOP_LEVEL ? o : `${o.split('=')[0]}=<hidden>`));
  if (shown.length) lines.push(`  overrides:   ${shown.join(', ')}`);
  lines.push('  networks:');
  for (const n of plan.networks) lines.push(`    ${n.name}: ${describeNetwork(n)}`);
  const sel = Object.entries(s.node_selector).map(([k, v]) => `${k}=${v}`).join(',');
  lines.push(`  scheduling:  node_selector ${sel || 'none'}; affinity ${s.affinity ? Object.keys(s.affinity).join(', ') : 'none'}; tolerations ${s.tolerations?.length ?? 0}`);
  const userdataBytes = manifests.filter((m) => m.kind === 'Secret').map((m) => Buffer.from(String((m.data as Record<string, string>).userdata ?? ''), 'base64').length);
  const inputNames = [...Object.keys(inputs), ...placeholders.map((p) => `${p} (asked at deploy)`)];
  lines.push(`  cloud-init:  ${typeof s.cloud_init === 'object' ? 'cloud-config map' : s.cloud_init ? 'template' : 'default (hostname only)'}, about ${userdataBytes[0] ?? 0} bytes per instance${s.network_data ? ', with network-data' : ''}`);
  if (inputNames.length) lines.push(`  inputs:      ${inputNames.join(', ')}; values are never printed`);
  lines.push('');
  const rows = plan.instances.map((i) => [
    i.name,
    i.nics.map((n) => `${n.network.name}=${n.address?.cidr ?? (n.network.kind === 'pod' ? 'pod' : 'dhcp')}`).join(' '),
    i.nics.map((n) => n.guestInterface).join(','),
  ]);
  lines.push(formatTable(['INSTANCE', 'ADDRESSES', 'GUEST NICS'], rows, '  '));
  lines.push('');
  const kinds = new Map<string, number>();
  for (const m of manifests) kinds.set(m.kind, (kinds.get(m.kind) ?? 0) + 1);
  lines.push(`  ${manifests.length} resources: ${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')} (see -o yaml)`);
  return `${lines.join('\n')}\n`;
}

function describeImage(image: ImageSource): string {
  if ('url' in image) return `http ${image.url}`;
  if ('registry' in image) return `registry ${image.registry}`;
  if ('pvc' in image) return `clone of PVC ${image.pvc.namespace ?? '(same namespace)'}/${image.pvc.name}`;
  return `DataSource ${image.datasource.namespace ?? '(same namespace)'}/${image.datasource.name}`;
}

function describeNetwork(n: PlannedNetwork): string {
  const via = n.settings.bridge ? ` on bridge ${n.settings.bridge}${n.settings.vlan ? ` vlan ${n.settings.vlan}` : ''}` : '';
  switch (n.kind) {
    case 'pod':
      return 'pod network (masquerade)';
    case 'static':
      return `static ${n.settings.ipam!.range} from offset ${n.settings.ipam!.offset}${n.gateway ? `, gateway ${n.gateway}` : ''}${n.dns.length ? `, dns ${n.dns.join(',')}` : ''}; one NAD per instance${via}`;
    case 'dhcp':
      return `DHCP via shared NAD ${n.settings.nad_name}${via}`;
    case 'existing':
      return `existing NAD ${n.settings.nad_name} (not managed by v-auto)`;
  }
}

// Renders status as an aligned table (plain text off a terminal) or as one JSON document.
import { surplusLine } from './plan-report.js';
import { stringify } from 'yaml';
import type { InstanceState } from '../actions/instance-state.js';
import { formatTable } from './table.js';

export interface StatusEvent {
  type: string;
  time: string;
  object: string;
  reason: string;
  message: string;
}

export interface StatusView {
  project: string;
  spec: string;
  namespace: string;
  instances: InstanceState[];
  /** null: this user may not read them. */
  networkAttachments: string[] | null;
  secrets: string[] | null;
  events: StatusEvent[];
  /** Instances found with this spec's labels that the spec does not plan (past replicas). */
  surplus?: { instances: string[]; planned: number };
}

/** The same document for scripts: JSON, or YAML for people who prefer reading it. */
export function statusDocument(view: StatusView, format: 'json' | 'yaml'): string {
  const doc = { ...view, ready: view.instances.every((i) => i.ready) };
  return format === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : stringify(doc, { version: '1.1' });
}

export function statusReport(view: StatusView): string {
  const { instances } = view;
  if (instances.every((i) => i.missing) && !view.networkAttachments?.length && !view.secrets?.length) {
    return `nothing deployed for ${view.project}/${view.spec} in namespace ${view.namespace}\n`;
  }
  const rows = instances.map((i) => [
    i.name,
    i.vm?.status ?? (i.missing ? 'NotDeployed' : '-'),
    i.vm ? String(i.vm.ready) : '-',
    i.vmi?.phase ?? '-',
    i.ips.join(',') || '-',
    i.node ?? '-',
    i.dataVolume?.phase ?? (i.pvc ? 'imported' : '-'),
    i.dataVolume?.progress ?? '-',
    i.pvc ? `${i.pvc.phase}${i.pvc.size ? ` ${i.pvc.size}` : ''}` : '-',
  ]);
  const lines = [
    `${view.project}/${view.spec} in namespace ${view.namespace}: ${instances.filter((i) => i.ready).length}/${instances.length} ready`,
    '',
    formatTable(['NAME', 'STATUS', 'READY', 'VMI', 'IP', 'NODE', 'DISK', 'PROGRESS', 'PVC'], rows),
    '',
    `Network attachments: ${listed(view.networkAttachments)}`,
    `Secrets: ${listed(view.secrets)}`,
  ];
  if (view.surplus?.instances.length) lines.push(surplusLine(view.surplus.instances, view.surplus.planned));
  const drains = instances.filter((i) => i.drain);
  if (drains.length) {
    lines.push('', 'Node drains:');
    for (const i of drains) lines.push(`  ${i.name}: ${i.drain}`);
  }
  if (view.events.length) {
    lines.push('', `Events (last ${view.events.length}, warnings first):`);
    lines.push(formatTable(['TYPE', 'TIME', 'OBJECT', 'REASON', 'MESSAGE'], view.events.map((e) => [e.type, e.time, e.object, e.reason, e.message]), '  '));
  }
  return `${lines.join('\n')}\n`;
}

function listed(names: string[] | null): string {
  if (names === null) return 'not shown: this user may not list them';
  return names.join(', ') || 'none';
}

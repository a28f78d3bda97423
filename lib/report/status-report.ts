// Renders status as an aligned table (plain text off a terminal) or as one JSON document.
import { surplusLine } from './plan-report.js';
import { documentText } from './document-text.js';
import type { InstanceState } from '../changes/instance-state.js';
import { runStateNote } from '../model/vm-facts.js';
import { printable } from '../printable.js';
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
  /** The golden image the spec clones (`image: NAME`): its DataVolume's phase and its DataSource. */
  golden?: GoldenStatus;
}

export interface GoldenStatus {
  image: string;
  dataVolume: string;
  /** The DataVolume's phase (`missing`: not there; `imported`: collected by CDI, its PVC there). */
  phase: string;
  progress?: string;
  dataSource: string;
  /** The DataSource's Ready condition is True. */
  ready: boolean;
}

/** The same document for scripts: JSON, or YAML for people who prefer reading it. */
function statusDoc(view: StatusView) {
  return { ...view, ready: view.instances.every((i) => i.ready) };
}

export function statusDocument(view: StatusView, format: 'json' | 'yaml'): string {
  return documentText(statusDoc(view), format);
}

export function statusReport(view: StatusView): string {
  const { instances } = view;
  if (instances.every((i) => i.missing) && !view.networkAttachments?.length && !view.secrets?.length) {
    return `nothing deployed for ${view.project}/${view.spec} in namespace ${view.namespace}\n`;
  }
  const rows = instanceRows(view);
  const lines = [
    `${view.project}/${view.spec} in namespace ${view.namespace}: ${instances.filter((i) => i.ready).length}/${instances.length} ready${runStateNote(instances.map((i) => i.run))}`,
    '',
    formatTable(INSTANCE_COLUMNS, rows),
    '',
    `Network attachments: ${listed(view.networkAttachments)}`,
    `Secrets: ${listed(view.secrets)}`,
  ];
  const g = view.golden;
  if (g)
    lines.push(
      `Golden image ${g.image}: DataVolume ${g.dataVolume} ${g.phase}${g.progress && g.phase !== 'Succeeded' ? ` ${g.progress}` : ''}, DataSource ${g.dataSource} ${g.ready ? 'ready' : 'not ready'}`,
    );
  if (view.surplus?.instances.length) lines.push(surplusLine(view.surplus.instances, view.surplus.planned));
  const restarts = instances.filter((i) => i.restartRequired);
  if (restarts.length) {
    lines.push('', `Restart pending (v-auto ${view.project} ${view.spec} restart --pending restarts them):`);
    for (const i of restarts)
      lines.push(`  ${i.name}: RestartRequired, a change waits for the VM to restart`);
  }
  const kept = instances.filter((i) => i.kept?.length);
  if (kept.length) {
    lines.push('', 'Left alone (added or repointed outside v-auto; deploy keeps them):');
    for (const i of kept) for (const k of i.kept!) lines.push(`  ${i.name} kept: ${k}`);
  }
  const protectedVms = instances.filter((i) => i.deleteProtected);
  if (protectedVms.length)
    lines.push(
      '',
      `Delete protection (kubevirt.io/vm-delete-protection): ${protectedVms.map((i) => i.name).join(', ')}; delete and --prune refuse them`,
    );
  const drains = instances.filter((i) => i.drain);
  if (drains.length) {
    lines.push('', 'Node drains:');
    for (const i of drains) lines.push(`  ${i.name}: ${i.drain}`);
  }
  if (view.events.length) {
    lines.push('', `Events (last ${view.events.length}, warnings first):`);
    lines.push(
      formatTable(
        ['TYPE', 'TIME', 'OBJECT', 'REASON', 'MESSAGE'],
        view.events.map((e) => [e.type, e.time, e.object, e.reason, e.message]),
        '  ',
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

const INSTANCE_COLUMNS = ['NAME', 'STATUS', 'READY', 'VMI', 'IP', 'NODE', 'DISK', 'PROGRESS', 'PVC'];

function instanceRows(view: StatusView): string[][] {
  return view.instances.map((i) => [
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
}

function listed(names: string[] | null): string {
  if (names === null) return 'not shown: this user may not list them';
  return names.join(', ') || 'none';
}

/** One spec of a project-wide status: its view, or the error that stopped it being read. */
export type ProjectStatusEntry = { spec: string; code: number } & (
  { view: StatusView; error?: undefined } | { view?: undefined; error: string }
);

/** `v-auto demo status`: one table of every instance, by spec; a NAMESPACE column when the specs use more than one. */
export function projectStatusReport(
  project: string,
  entries: ProjectStatusEntry[],
  orphans: { namespace: string; spec: string; vms: string[] }[] = [],
): string {
  const views = entries.flatMap((e) => (e.view ? [e.view] : []));
  const instances = views.flatMap((v) => v.instances);
  const namespaces = [...new Set(views.map((v) => v.namespace))];
  const oneNamespace = namespaces.length <= 1;
  const rows = views.flatMap((v) =>
    instanceRows(v).map((row) => (oneNamespace ? [v.spec, ...row] : [v.spec, v.namespace, ...row])),
  );
  const lines = [
    `project ${project}${oneNamespace && namespaces.length ? ` in namespace ${namespaces[0]}` : ''}: ${instances.filter((i) => i.ready).length}/${instances.length} ready in ${entries.length} spec(s)${runStateNote(instances.map((i) => i.run))}`,
    '',
  ];
  if (rows.length)
    lines.push(formatTable(['SPEC', ...(oneNamespace ? [] : ['NAMESPACE']), ...INSTANCE_COLUMNS], rows));
  const surplus = views.filter((v) => v.surplus?.instances.length);
  for (const v of surplus) lines.push(`${v.spec}: ${surplusLine(v.surplus!.instances, v.surplus!.planned)}`);
  const restarts = views.filter((v) => v.instances.some((i) => i.restartRequired));
  if (restarts.length) {
    lines.push('', 'Restart pending (RestartRequired: a change waits for the VM to restart):');
    for (const v of restarts)
      lines.push(
        `  ${v.spec}: ${v.instances
          .filter((i) => i.restartRequired)
          .map((i) => i.name)
          .join(', ')} (v-auto ${project} ${v.spec} restart --pending)`,
      );
  }
  const unread = entries.filter((e) => e.error !== undefined);
  if (unread.length)
    lines.push(
      '',
      `Not read: ${unread.map((e) => `${e.spec} (exit ${e.code}: ${printable(e.error)})`).join('; ')}`,
    );
  if (orphans.length) {
    lines.push('', `Not in any spec file (their spec file was removed or renamed):`);
    for (const o of orphans) lines.push(`  ${o.spec} in namespace ${o.namespace}: ${o.vms.join(', ')}`);
  }
  lines.push('', `Events, networks and Secrets of one spec: v-auto ${project} SPEC status`);
  return `${lines.join('\n')}\n`;
}

/** The project-wide status as one document: each spec's status document, or its error. */
export function projectStatusDocument(
  project: string,
  entries: ProjectStatusEntry[],
  orphans: { namespace: string; spec: string; vms: string[] }[],
  format: 'json' | 'yaml',
): string {
  const specs = entries.map((e) =>
    e.view ? statusDoc(e.view) : { project, spec: e.spec, error: e.error, exitCode: e.code },
  );
  const doc = { project, ready: entries.every((e) => e.code === 0), specs, orphans };
  return documentText(doc, format);
}

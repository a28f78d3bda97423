// Prints the address ledger: an aligned table, or one JSON/YAML document for scripts.
import { documentText } from './document-text.js';
import { describeClusterView, type AddressLedger } from '../plan/address-ledger.js';
import { formatTable } from './table.js';

export interface LedgerView extends AddressLedger {
  project: string;
  /** Absent: every spec of the project. */
  spec?: string;
  /** Why the cluster column is missing, when it is (one message for the whole run). */
  clusterError?: string;
  /** What the ledger could not see (printed on stderr as `v-auto: warning: …`). */
  warnings?: string[];
}

export function ledgerReport(view: LedgerView): string {
  const read = view.clusterError === undefined;
  const scope = view.spec === undefined ? `project ${view.project}` : `${view.project}/${view.spec}`;
  const lines: string[] = [];
  if (!view.entries.length) lines.push(`${scope}: no static addresses planned`);
  else {
    const planned = view.entries.filter((e) => e.cluster?.state !== 'kept');
    const kept = view.entries.length - planned.length;
    const specs = new Set(planned.map((e) => `${e.project}/${e.spec}`)).size;
    lines.push(
      `${scope}: ${planned.length} planned address${planned.length === 1 ? '' : 'es'} in ${specs} spec${specs === 1 ? '' : 's'}${kept ? `, ${kept} kept by instances no longer planned` : ''}${read ? '' : ' (cluster not read)'}`,
      '',
    );
    const header = ['NETWORK', 'ADDRESS', 'MAC', 'SPEC', 'INSTANCE', ...(read ? ['CLUSTER'] : [])];
    const rows = view.entries.map((e) => [
      e.network,
      e.address,
      e.mac,
      `${e.project}/${e.spec}`,
      e.instance,
      ...(read ? [e.cluster ? describeClusterView(e.cluster) : '-'] : []),
    ]);
    lines.push(formatTable(header, rows));
  }
  if (view.conflicts.length) lines.push('', 'Conflicts:', ...view.conflicts.map((c) => `  ${c}`));
  if (view.unplanned.length) {
    lines.push('', 'Not planned:');
    for (const u of view.unplanned) {
      const [first, ...more] = u.message.split('\n');
      lines.push(
        `  ${u.project}/${u.spec}: ${first}`,
        ...more.map((m) => `  ${m}`),
        ...(u.hint ? [`    hint: ${u.hint}`] : []),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The same ledger as one document; `cluster` is null on every entry when the cluster was not read. */
export function ledgerDocument(view: LedgerView, format: 'json' | 'yaml'): string {
  const doc = {
    project: view.project,
    ...(view.spec !== undefined ? { spec: view.spec } : {}),
    cluster: view.clusterError === undefined ? { read: true } : { read: false, error: view.clusterError },
    entries: view.entries.map((e) => ({
      ...e,
      cluster: e.cluster ? { ...e.cluster, text: describeClusterView(e.cluster) } : null,
    })),
    conflicts: view.conflicts,
    unplanned: view.unplanned,
    warnings: view.warnings ?? [],
  };
  return documentText(doc, format);
}

// meta.k8s.io/v1 Table rendering for kubectl's human-readable output, with the columns each kind shows on a real cluster.
import type { Obj } from './store.js';

interface Column {
  name: string;
  type?: string;
  cell: (o: Obj) => unknown;
}

/** "5s", "3m", "2h", "4d" like the server's duration printer. */
export function age(ts: string | undefined): string {
  if (!ts) return '<unknown>';
  const s = Math.max(0, Math.floor((Date.now() - Date.parse(ts)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

const nameCol: Column = { name: 'Name', cell: (o) => o.metadata.name };
const ageCol: Column = { name: 'Age', cell: (o) => age(o.metadata.creationTimestamp) };

const COLUMNS: Record<string, Column[]> = {
  Namespace: [nameCol, { name: 'Status', cell: (o) => o.status?.phase ?? 'Active' }, ageCol],
  Secret: [
    nameCol,
    { name: 'Type', cell: (o) => o.type ?? 'Opaque' },
    { name: 'Data', type: 'integer', cell: (o) => Object.keys(o.data ?? {}).length },
    ageCol,
  ],
  PersistentVolumeClaim: [
    nameCol,
    { name: 'Status', cell: (o) => o.status?.phase ?? 'Pending' },
    { name: 'Volume', cell: (o) => o.spec?.volumeName ?? '' },
    { name: 'Capacity', cell: (o) => o.status?.capacity?.storage ?? '' },
    {
      name: 'Access Modes',
      cell: (o) =>
        (o.status?.accessModes ?? [])
          .map((m: string) => ({ ReadWriteOnce: 'RWO', ReadWriteMany: 'RWX', ReadOnlyMany: 'ROX' })[m] ?? m)
          .join(','),
    },
    { name: 'StorageClass', cell: (o) => o.spec?.storageClassName ?? '' },
    ageCol,
  ],
  Pod: [
    nameCol,
    { name: 'Ready', cell: (o) => (o.status?.phase === 'Running' ? '1/1' : '0/1') },
    { name: 'Status', cell: (o) => o.status?.phase ?? 'Pending' },
    { name: 'Restarts', type: 'integer', cell: () => 0 },
    ageCol,
    { name: 'IP', cell: (o) => o.status?.podIP ?? '<none>' },
    { name: 'Node', cell: (o) => o.spec?.nodeName ?? '<none>' },
  ],
  Event: [
    { name: 'Last Seen', cell: (o) => age(o.lastTimestamp) },
    { name: 'Type', cell: (o) => o.type },
    { name: 'Reason', cell: (o) => o.reason },
    {
      name: 'Object',
      cell: (o) => `${String(o.involvedObject?.kind ?? '').toLowerCase()}/${o.involvedObject?.name}`,
    },
    { name: 'Message', cell: (o) => o.message },
  ],
  VirtualMachine: [
    nameCol,
    ageCol,
    { name: 'Status', cell: (o) => o.status?.printableStatus ?? '' },
    { name: 'Ready', cell: (o) => String(o.status?.ready ?? false) },
  ],
  VirtualMachineInstance: [
    nameCol,
    ageCol,
    { name: 'Phase', cell: (o) => o.status?.phase ?? '' },
    { name: 'IP', cell: (o) => o.status?.interfaces?.[0]?.ipAddress ?? '' },
    { name: 'NodeName', cell: (o) => o.status?.nodeName ?? '' },
    {
      name: 'Ready',
      cell: (o) =>
        String(o.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True') ?? false),
    },
  ],
  DataVolume: [
    nameCol,
    { name: 'Phase', cell: (o) => o.status?.phase ?? '' },
    { name: 'Progress', cell: (o) => o.status?.progress ?? 'N/A' },
    { name: 'Restarts', type: 'integer', cell: (o) => o.status?.restartCount ?? 0 },
    ageCol,
  ],
  NetworkAttachmentDefinition: [nameCol, ageCol],
};

/** Builds a Table; `includeObject` follows the query parameter (kubectl's default is Metadata). */
export function toTable(kind: string, items: Obj[], resourceVersion: string, includeObject: string): Obj {
  const cols = COLUMNS[kind] ?? [nameCol, ageCol];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: cols.map((c, i) => ({
      name: c.name,
      type: c.type ?? 'string',
      format: c.name === 'Name' ? 'name' : '',
      description: c.name,
      priority: i === 0 ? 0 : 0,
    })),
    rows: items.map((o) => ({
      cells: cols.map((c) => c.cell(o)),
      object:
        includeObject === 'None'
          ? undefined
          : includeObject === 'Object'
            ? o
            : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}

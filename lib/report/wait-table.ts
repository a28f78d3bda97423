// The table `deploy --wait` redraws on a terminal: one row per instance, what it is waiting on.
import type { InstanceState } from '../changes/instance-state.js';
import { formatTable } from './table.js';

/** INSTANCE, VM (KubeVirt's printable status), PROGRESS (the root disk's import), IP; one string per line. */
export function waitTable(states: InstanceState[]): string[] {
  const rows = states.map((s) => [
    s.name,
    s.vm?.status ?? (s.missing ? 'NotDeployed' : '-'),
    diskProgress(s),
    s.ips.join(',') || '-',
  ]);
  return formatTable(['INSTANCE', 'VM', 'PROGRESS', 'IP'], rows).split('\n');
}

/** CDI's progress while it has one ("45.00%"), else the DataVolume's phase; a disk with no DataVolume left is its PVC. */
function diskProgress(s: InstanceState): string {
  const dv = s.dataVolume;
  if (dv) return dv.progress && dv.progress !== 'N/A' ? dv.progress : dv.phase;
  return s.pvc ? `PVC ${s.pvc.phase}` : '-';
}

// Finds two catalog entries that would render one NetworkAttachmentDefinition name in one namespace (pure).
import { usageError, type VAutoError } from '../errors.js';
import type { SpecPlan } from './address-conflicts.js';
import type { PlannedNetwork } from './plan-instances.js';

/** A catalog entry as one spec attaches it. */
interface EntryUse {
  project: string;
  spec: string;
  network: string;
}

/** Whether v-auto renders this entry's NAD (shared `<nad_name>` or per instance `<vm>-<nad_name>`). */
function rendersNad(n: PlannedNetwork): boolean {
  return n.settings.type === undefined && (n.kind === 'dhcp' || n.kind === 'static');
}

/**
 * The first clash that involves `current`: two entries (catalog name within a project) with one
 * nad_name, in one namespace. Each would render its own NAD under one name, so the object would be
 * "configured" back and forth on every run (and one VM attaching both gets one NAD twice).
 */
export function nadNameClashError(specs: readonly SpecPlan[], current: SpecPlan): VAutoError | undefined {
  const byName = new Map<string, EntryUse[]>();
  for (const sp of specs) {
    const { project, spec, namespace } = sp.plan.settings;
    for (const net of sp.plan.networks.filter(rendersNad)) {
      const key = `${namespace}/${net.settings.nad_name}`;
      const uses = byName.get(key) ?? [];
      uses.push({ project, spec, network: net.name });
      byName.set(key, uses);
    }
  }
  const entry = (u: EntryUse) => `${u.project}/${u.network}`;
  const isCurrent = (u: EntryUse) => u.project === current.project && u.spec === current.spec;
  for (const [key, uses] of byName) {
    const mine = uses.find(isCurrent);
    if (!mine) continue;
    // Another entry beside one of this spec's: the spec's own first, as the other side tells it too.
    const other =
      uses.find((u) => isCurrent(u) && entry(u) !== entry(mine)) ??
      uses.find((u) => entry(u) !== entry(mine));
    if (!other) continue;
    const [namespace, nadName] = key.split('/');
    return usageError(
      `nad_name ${nadName} in namespace ${namespace}: catalog entries ${entry(mine)} (${mine.project}/${mine.spec}) and ${entry(other)} (${other.project}/${other.spec}) would both render NetworkAttachmentDefinition ${nadName}`,
      `give one of them another nad_name, or attach one entry in both specs (one NAD name is one NAD in a namespace)`,
    );
  }
  return undefined;
}

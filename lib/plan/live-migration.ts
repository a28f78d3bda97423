// Node drains: a VM that cannot live-migrate under an eviction strategy that asks for live migration.
//
// OpenShift Virtualization's documentation (Virtualization → Nodes → Eviction strategies, 4.16–4.20):
// "The default eviction strategy is LiveMigrate. A non-migratable VM with a LiveMigrate eviction
// strategy might prevent nodes from draining or block an infrastructure upgrade because the VM is not
// evicted from the node. … You must set the eviction strategy of non-migratable VMs to
// LiveMigrateIfPossible, which does not block an upgrade, or to None". LiveMigrate is the cluster
// default on multi-node clusters (None on single-node OpenShift), so an unset strategy counts too.

/**
 * The warning for a VM that cannot live-migrate (`blocker` says why), or undefined when its eviction
 * strategy does not ask for live migration. `strategy` undefined: the cluster's default.
 */
export function drainWarning(strategy: string | undefined, blocker: string): string | undefined {
  if (strategy !== undefined && strategy !== 'LiveMigrate') return undefined;
  const under = strategy
    ? 'eviction strategy LiveMigrate'
    : "the cluster's default eviction strategy (LiveMigrate on multi-node OpenShift)";
  return `${blocker}, so it cannot live-migrate: under ${under} it might prevent nodes from draining or block an infrastructure upgrade; set eviction_strategy: LiveMigrateIfPossible (or None), or use ReadWriteMany storage`;
}

/** What keeps a disk from live migration: a PVC must be shared (ReadWriteMany). */
export function diskBlocker(accessModes: readonly string[] | undefined, disk: string): string | undefined {
  if (!accessModes?.length || accessModes.includes('ReadWriteMany')) return undefined;
  return `root disk ${disk} is ${accessModes.join(', ')}`;
}

// Why a NAD's CNI config changed when v-auto's own defaults changed, not the catalog (pure).

/** Where the NAD defaults v-auto changed are explained. */
const DOCS = 'docs/networks.md#nad-changes-after-a-v-auto-upgrade';

/**
 * The NAD config fields whose rendered value changed with a v-auto release rather than with the
 * catalog, and why: each answers "is this live → desired change that default change?".
 */
const DEFAULT_CHANGES: {
  field: string;
  is: (before: unknown, after: unknown) => boolean;
  why: string;
}[] = [
  {
    // v-auto writes it beside every vlan since the VLAN isolation fix: the bridge plugin's default
    // kept the port in the bridge's default VLAN too (openshift/openshift-docs@082db4ce
    // modules/virt-creating-linux-bridge-nad-cli.adoc: "The default value is `true`").
    field: 'preserveDefaultVlan',
    is: (before, after) => after === false && before !== false,
    why: "VLAN isolation: without it the bridge plugin keeps the VM's port in the bridge's default VLAN too",
  },
  {
    // The default cni_type became bridge (lib/config/settings.ts DEFAULT_CNI_TYPE).
    field: 'type',
    is: (before, after) => before === 'cnv-bridge' && after === 'bridge',
    why: "v-auto's default cni_type is bridge, the documented type: VMs on cnv-bridge fail to live-migrate after an update from OpenShift 4.12",
  },
];

/**
 * Why each known v-auto default change in a NAD's `spec.config` (live → desired, both the JSON
 * text) happened: `preserveDefaultVlan: (absent) → false: VLAN isolation: …, see docs/…`. A field
 * the catalog changed has no line here; so has a config that is not JSON.
 */
export function nadConfigReasons(live: unknown, desired: unknown): string[] {
  const before = parseConfig(live);
  const after = parseConfig(desired);
  if (!before || !after) return [];
  return DEFAULT_CHANGES.filter((c) => c.is(before[c.field], after[c.field])).map(
    ({ field, why }) => `${field}: ${shown(before[field])} → ${shown(after[field])}: ${why}, see ${DOCS}`,
  );
}

function parseConfig(text: unknown): Record<string, unknown> | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function shown(v: unknown): string {
  return v === undefined ? '(absent)' : JSON.stringify(v);
}

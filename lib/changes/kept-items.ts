// What operators and the platform added to or rewrote in a VM's lists: kept in v-auto's update, and named (pure).
//
// A client-side apply of a CRD is a JSON merge patch, which replaces lists whole (RFC 7386), so an
// update that sends only what v-auto renders would unplug a volume added with `virtctl addvolume
// --persist` and drop a NIC added from the console. v-auto owns the list items it renders and has
// applied, and only those: an item of the live VM that it never applied is sent back as it is, and
// a volume whose claim someone else repointed (a snapshot restore, a storage migration) keeps the
// claim it has now.
//
// What v-auto applied is the last-applied annotation, minus what it sent only to keep (the
// annotation KEPT_ANNOTATION, which travels in the same applied configuration). The shapes come
// from kubevirt/kubevirt@d923fdb815cd2016ddaebdaaa51db04133576d72:
// - pkg/controller/controller.go ApplyVolumeRequestOnVMISpec: a persisted hot-plug appends
//   `{name, dataVolume|persistentVolumeClaim: {…, hotpluggable: true}}` to the template's volumes
//   and a disk of the same name to its disks (pkg/virtctl/vm/add_volume.go builds the request);
// - pkg/storage/snapshot/restore.go restoreVolumeName: a restore points the volume at a new claim,
//   `restore-<restore uid>-<volume>` (RandomizeNames, the API's default), `<vm>-<volume>`
//   (PrefixTargetName) or an override.
import { lastApplied, type K8sObject } from '../cluster/k8s-object.js';
import { KEPT_ANNOTATION } from '../model/ownership.js';
import type { Manifest } from '../render/render-manifests.js';

type Item = Record<string, any>;

/** What one list of `desired` gets from the live VM: repointed volumes by index, added items at their live positions. */
interface ListEdit {
  path: readonly string[];
  repointed: Map<number, Item>;
  added: { item: Item; at: number }[];
}

/** The named lists of a VM template, by where they sit under spec.template.spec, and what their items are. */
const LISTS = [
  { key: 'volumes', path: ['volumes'], what: 'volume' },
  { key: 'disks', path: ['domain', 'devices', 'disks'], what: 'volume' },
  { key: 'interfaces', path: ['domain', 'devices', 'interfaces'], what: 'interface' },
  { key: 'networks', path: ['networks'], what: 'interface' },
] as const;

export interface KeptItems {
  /** `desired` with the kept items in it (at their live positions), or `desired` itself when none. */
  manifest: Manifest;
  /** One phrase per kept volume or interface: `hot-plugged volume data1`. */
  kept: string[];
  /** `volumes/data1,disks/data1`: the value of KEPT_ANNOTATION for an update that sends them. */
  record?: string;
}

/**
 * The list items of the live VM that v-auto did not render and never applied, put into `desired`
 * so that an update keeps them, and the volumes whose claim was repointed outside v-auto, kept
 * pointing where they point now. Without `desired` (status), what is kept is read from live alone.
 */
export function keptItems(live: K8sObject, desired?: Manifest): KeptItems {
  const previous = lastApplied(live);
  const keptBefore = new Set(
    (previous?.metadata?.annotations?.[KEPT_ANNOTATION] ?? '').split(',').filter(Boolean),
  );
  const phrases = new Map<string, string>();
  const record: string[] = [];
  // Read here, written into a copy of `desired` only when something is kept: most VMs keep nothing.
  const edits: ListEdit[] = [];
  for (const list of LISTS) {
    const liveItems: Item[] = listAt(live, list.path) ?? [];
    if (!liveItems.length) continue;
    const rendered: Item[] | undefined = desired ? listAt(desired, list.path) : undefined;
    const renderedNames = new Set((rendered ?? []).map((i) => i.name));
    // What v-auto applied: the last-applied items it did not send only to keep them.
    const appliedItems = new Map<string, Item>(
      ((previous ? listAt(previous, list.path) : undefined) ?? [])
        .filter((i: Item) => !keptBefore.has(`${list.key}/${i.name}`))
        .map((i: Item) => [i.name, i]),
    );
    const edit: ListEdit = { path: list.path, repointed: new Map(), added: [] };
    liveItems.forEach((item, at) => {
      const name = item.name;
      if (typeof name !== 'string') return;
      const own = renderedNames.has(name) || appliedItems.has(name);
      // No record of what v-auto applied (an adopted VM) and nothing rendered to compare: not v-auto's to judge.
      if (!own && (previous || desired)) {
        edit.added.push({ item, at });
        record.push(`${list.key}/${name}`);
        if (!phrases.has(`${list.what}/${name}`))
          phrases.set(`${list.what}/${name}`, addedPhrase(list.what, item));
        return;
      }
      if (list.key !== 'volumes') return;
      const now = claimOf(item);
      const applied = appliedItems.get(name);
      const renderedAt = rendered ? rendered.findIndex((i) => i.name === name) : -1;
      const want = renderedAt >= 0 ? claimOf(rendered![renderedAt]) : undefined;
      // Repointed by someone else: kept before and still not what the spec renders, or not the
      // claim v-auto last applied, or (no record at all) not the one it renders.
      const repointed =
        now !== undefined &&
        (keptBefore.has(`volumes/${name}`)
          ? now !== want
          : applied
            ? claimOf(applied) !== now
            : !previous && want !== undefined && now !== want);
      if (!repointed) return;
      if (renderedAt >= 0) edit.repointed.set(renderedAt, item);
      record.push(`volumes/${name}`);
      phrases.set(
        `volume/${name}`,
        `volume ${name} on ${now} (restored or migrated outside v-auto${want ? `; the spec renders ${want}` : ''})`,
      );
    });
    edits.push(edit);
  }
  // Without `desired` (status) there is no manifest to return: only what is kept.
  const manifest = (desired && record.length ? withEdits(desired, edits) : desired) as Manifest;
  if (!record.length) return { manifest, kept: [] };
  return {
    manifest,
    kept: [...phrases.values()],
    record: record.join(','),
  };
}

/** `desired` copied, with the live items put in: a repointed volume in its place, added items at their live positions. */
function withEdits(desired: Manifest, edits: ListEdit[]): Manifest {
  const copy = structuredClone(desired);
  for (const { path, repointed, added } of edits) {
    const rendered = listAt(copy, path);
    if (rendered) {
      for (const [at, item] of repointed) rendered[at] = structuredClone(item);
      for (const { item, at } of added) rendered.splice(Math.min(at, rendered.length), 0, item);
    } else if (added.length)
      setListAt(
        copy,
        path,
        added.map((a) => a.item),
      );
  }
  return copy;
}

function addedPhrase(what: string, item: Item): string {
  const name = item.name as string;
  if (what === 'volume')
    return item.dataVolume?.hotpluggable || item.persistentVolumeClaim?.hotpluggable
      ? `hot-plugged volume ${name}`
      : `volume ${name} added outside v-auto`;
  return `interface ${name} added outside v-auto`;
}

/** The DataVolume or PVC a volume item names. */
function claimOf(item: Item): string | undefined {
  return item.dataVolume?.name ?? item.persistentVolumeClaim?.claimName;
}

function listAt(o: any, path: readonly string[]): Item[] | undefined {
  let at = o?.spec?.template?.spec;
  for (const p of path) at = at?.[p];
  return Array.isArray(at) ? at : undefined;
}

function setListAt(o: any, path: readonly string[], items: Item[]): void {
  let at = (((o.spec ??= {}).template ??= {}).spec ??= {});
  for (const p of path.slice(0, -1)) at = at[p] ??= {};
  at[path[path.length - 1]] = items;
}

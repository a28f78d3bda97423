// Which golden images of a project are stale: no spec plans them and no clone from them is in progress.
import type { K8sObject } from '../cluster/k8s-object.js';
import { imageLabel, matches, projectSelector } from './ownership.js';

/** The golden images some spec of the project plans: their DataVolumes (and PVCs) and DataSources by name. */
export interface PlannedGolden {
  disks: Set<string>;
  sources: Set<string>;
}

/**
 * The project's golden-image objects (DataVolume, DataSource, and a PVC whose DataVolume CDI
 * collected) that no spec plans, for `deploy --prune`, and the images kept because a clone of them
 * is still in progress: a DataVolume of the namespace that has not Succeeded and names one of that
 * image's DataSources. A clone that started before an image change may read the image's old disk,
 * so every disk of an image with a clone in progress is kept.
 */
export function staleGoldenImages(
  live: K8sObject[],
  project: string,
  planned: PlannedGolden,
): { stale: K8sObject[]; inUse: string[] } {
  const owned = live.filter(
    (o) =>
      imageLabel(o.metadata.labels) !== undefined && matches(o.metadata.labels, projectSelector({ project })),
  );
  const sourceImage = new Map(
    owned
      .filter((o) => o.kind === 'DataSource')
      .map((o) => [o.metadata.name, imageLabel(o.metadata.labels)!]),
  );
  const cloning = new Set(
    live
      .filter((o) => o.kind === 'DataVolume' && o.status?.phase !== 'Succeeded' && o.spec?.sourceRef?.name)
      .map((o) => sourceImage.get(o.spec.sourceRef.name))
      .filter((i): i is string => i !== undefined),
  );
  const unplanned = owned.filter((o) =>
    o.kind === 'DataSource' ? !planned.sources.has(o.metadata.name) : !planned.disks.has(o.metadata.name),
  );
  const inUse = new Set<string>();
  const stale = unplanned.filter((o) => {
    const image = imageLabel(o.metadata.labels)!;
    if (!cloning.has(image)) return true;
    inUse.add(image);
    return false;
  });
  return { stale, inUse: [...inUse].sort() };
}

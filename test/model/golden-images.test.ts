// Which golden images --prune may remove: unplanned ones, never while a clone of the image is in progress.
import type { K8sObject } from '../../lib/cluster/k8s-object.js';
import { staleGoldenImages } from '../../lib/model/golden-images.js';

const labels = (image: string, project = 'demo') => ({
  'v-auto/managed': 'true',
  'v-auto/project': project,
  'v-auto/image': image,
});
const dv = (name: string, image: string, project?: string): K8sObject => ({
  apiVersion: 'cdi.kubevirt.io/v1beta1',
  kind: 'DataVolume',
  metadata: { name, labels: labels(image, project) },
  status: { phase: 'Succeeded' },
});
const ds = (name: string): K8sObject => ({
  apiVersion: 'cdi.kubevirt.io/v1beta1',
  kind: 'DataSource',
  metadata: { name, labels: labels(name) },
  spec: { source: { pvc: { name: `${name}-new` } } },
});
const clone = (phase: string): K8sObject => ({
  apiVersion: 'cdi.kubevirt.io/v1beta1',
  kind: 'DataVolume',
  metadata: { name: 'web-01-rootdisk', labels: { 'v-auto/spec': 'web' } },
  spec: { sourceRef: { kind: 'DataSource', name: 'rhel' } },
  status: { phase },
});
const planned = { disks: new Set(['rhel-new']), sources: new Set(['rhel']) };
const names = (os: K8sObject[]) => os.map((o) => `${o.kind}/${o.metadata.name}`);

describe('staleGoldenImages', () => {
  test.each([
    [
      'the old disk of a planned image goes, the planned disk and DataSource stay',
      [],
      ['DataVolume/rhel-old'],
      [],
    ],
    ['a clone of the image in progress keeps every disk of it', [clone('CloneInProgress')], [], ['rhel']],
    ['a clone waiting for its source keeps it too', [clone('CloneScheduled')], [], ['rhel']],
    ['a finished clone keeps nothing', [clone('Succeeded')], ['DataVolume/rhel-old'], []],
  ])('%s', (_, extra, stale, inUse) => {
    const live = [dv('rhel-old', 'rhel'), dv('rhel-new', 'rhel'), ds('rhel'), ...extra];
    const out = staleGoldenImages(live, 'demo', planned);
    expect(names(out.stale)).toEqual(stale);
    expect(out.inUse).toEqual(inUse);
  });

  test("an image no spec plans goes whole; another project's is never touched", () => {
    const live = [dv('win-1', 'win'), ds('win'), dv('rhel-new', 'rhel'), ds('rhel'), dv('x-1', 'x', 'other')];
    expect(names(staleGoldenImages(live, 'demo', planned).stale)).toEqual([
      'DataVolume/win-1',
      'DataSource/win',
    ]);
  });
});

// A NAD that changed because v-auto's defaults changed says which field and why, in the plan, the prompt and diff.
import { LAST_APPLIED, type K8sObject } from '../../lib/cluster/k8s-object.js';
import { nadConfigReasons } from '../../lib/changes/nad-config-reasons.js';
import { planChanges } from '../../lib/changes/plan-changes.js';
import { instanceOfResource } from '../../lib/model/names.js';
import { diffText, planDocument, planLines } from '../../lib/report/plan-report.js';
import { IMAGE, LAN, named, renderFor } from '../helpers/workspace.js';

const json = (o: object) => JSON.stringify(o);
const VLAN_NAD = { cniVersion: '0.3.1', name: 'web-01-lan', bridge: 'br-lan', vlan: 100, macspoofchk: true };

test.each<[string, object, object, string[]]>([
  [
    'preserveDefaultVlan added beside a vlan',
    { ...VLAN_NAD, type: 'bridge' },
    { ...VLAN_NAD, type: 'bridge', preserveDefaultVlan: false },
    ['preserveDefaultVlan: (absent) → false: VLAN isolation'],
  ],
  [
    'preserveDefaultVlan true → false',
    { ...VLAN_NAD, type: 'bridge', preserveDefaultVlan: true },
    { ...VLAN_NAD, type: 'bridge', preserveDefaultVlan: false },
    ['preserveDefaultVlan: true → false: VLAN isolation'],
  ],
  [
    'the default cni_type',
    { ...VLAN_NAD, type: 'cnv-bridge' },
    { ...VLAN_NAD, type: 'bridge', preserveDefaultVlan: false },
    [
      'preserveDefaultVlan: (absent) → false',
      'type: "cnv-bridge" → "bridge": v-auto\'s default cni_type is bridge',
    ],
  ],
  // What the catalog changed is no v-auto default: no reason is made up for it.
  ['a catalog vlan', { ...VLAN_NAD, type: 'bridge' }, { ...VLAN_NAD, type: 'bridge', vlan: 200 }, []],
  ['a catalog mtu', { ...VLAN_NAD, type: 'bridge' }, { ...VLAN_NAD, type: 'bridge', mtu: 9000 }, []],
  ['cni_type set to cnv-bridge', { ...VLAN_NAD, type: 'bridge' }, { ...VLAN_NAD, type: 'cnv-bridge' }, []],
  ['unchanged', { ...VLAN_NAD, type: 'bridge' }, { ...VLAN_NAD, type: 'bridge' }, []],
])('%s', (_what, live, desired, reasons) => {
  const got = nadConfigReasons(json(live), json(desired));
  expect(got).toHaveLength(reasons.length);
  reasons.forEach((r, i) => {
    expect(got[i]).toContain(r);
    expect(got[i]).toContain('docs/networks.md#nad-changes-after-a-v-auto-upgrade');
  });
});

test('a config that is not JSON has no reason', () => {
  expect(nadConfigReasons('{', json({ preserveDefaultVlan: false }))).toEqual([]);
  expect(nadConfigReasons(undefined, json({ preserveDefaultVlan: false }))).toEqual([]);
});

describe('a NAD an earlier v-auto applied (cnv-bridge, no preserveDefaultVlan)', () => {
  const { manifests } = renderFor({
    config: { namespace: 'vm-demo', networks: { lan: LAN } },
    spec: { ...IMAGE, networks: ['lan'] },
    replicas: 1,
  });
  const nad = named(manifests, 'NetworkAttachmentDefinition', 'web-01-lan');
  const old = structuredClone(nad) as K8sObject;
  const config = JSON.parse(old.spec.config as string);
  delete config.preserveDefaultVlan;
  old.spec.config = JSON.stringify({ ...config, type: 'cnv-bridge' });
  old.metadata.annotations = { ...old.metadata.annotations, [LAST_APPLIED]: JSON.stringify(old) };
  const plan = planChanges({
    manifests: [nad],
    live: [old],
    owner: { project: 'demo', spec: 'web' },
    instanceOf: (name) => instanceOfResource('web', name, ['lan']),
    adopt: false,
  });
  const change = plan.changes[0];

  test('is an update that names both default changes', () => {
    expect(change.action).toBe('update');
    expect(change.reasons).toEqual([
      expect.stringMatching(/^preserveDefaultVlan: \(absent\) → false: VLAN isolation/),
      expect.stringMatching(/^type: "cnv-bridge" → "bridge": v-auto's default cni_type is bridge/),
    ]);
  });

  test('the plan (and the prompt), diff and -o json say why', () => {
    const lines = planLines(plan);
    expect(lines[0]).toMatch(/^ {2}~ NetworkAttachmentDefinition web-01-lan: spec.config/);
    expect(lines.slice(1)).toEqual(change.reasons!.map((r) => `      why: ${r}`));
    expect(diffText(plan)).toContain(`# why: ${change.reasons![0]}\n# why: ${change.reasons![1]}`);
    const doc = JSON.parse(planDocument(plan, { project: 'demo', spec: 'web', namespace: 'vm-demo' }));
    expect(doc.changes[0].reasons).toEqual(change.reasons);
  });
});

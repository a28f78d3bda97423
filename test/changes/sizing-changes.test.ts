// The change plan for sizing: the controller's revisionName, and which CPU changes a running VM takes live.
import { LAST_APPLIED, type K8sObject } from '../../lib/cluster/k8s-object.js';
import { planChanges, type Change } from '../../lib/changes/plan-changes.js';
import { instanceOfResource } from '../../lib/model/names.js';
import type { Manifest } from '../../lib/render/render-manifests.js';
import { IMAGE, named, renderFor } from '../helpers/workspace.js';

const vmFor = (spec: Record<string, unknown>): Manifest =>
  named(
    renderFor({ config: { namespace: 'vm-demo' }, spec: { ...IMAGE, network: undefined, ...spec } })
      .manifests,
    'VirtualMachine',
    'web-01',
  );

/** The VM as an earlier client-side apply of `m` left it, running, after `edit` (what the platform wrote). */
function running(m: Manifest, edit: (o: K8sObject) => void = () => {}): K8sObject {
  const o = structuredClone(m) as K8sObject;
  o.metadata = {
    ...o.metadata,
    uid: 'u1',
    resourceVersion: '7',
    annotations: { [LAST_APPLIED]: JSON.stringify(m) },
  };
  o.status = { printableStatus: 'Running', ready: true, created: true };
  edit(o);
  return o;
}

function change(desired: Manifest, live: K8sObject): Change {
  return planChanges({
    manifests: [desired],
    live: [live],
    owner: { project: 'demo', spec: 'web' },
    instanceOf: (n) => instanceOfResource('web', n, []),
    adopt: false,
  }).changes[0];
}

describe("the revisionName KubeVirt's controller records (kubevirt#10145)", () => {
  const withRevisions = (o: K8sObject) => {
    o.spec.instancetype.revisionName = 'web-01-u1.medium-v1beta1-abc-1';
    o.spec.preference.revisionName = 'web-01-rhel.9-v1beta1-def-1';
  };

  test('is not a change', () => {
    const m = vmFor({ instancetype: 'u1.medium', preference: 'rhel.9' });
    expect(change(m, running(m, withRevisions)).action).toBe('unchanged');
  });

  test('is left to the apply in an update for another reason: a field it never set, kubectl keeps', () => {
    const m = vmFor({ instancetype: 'u1.medium', preference: 'rhel.9', eviction_strategy: 'None' });
    const c = change(m, running(vmFor({ instancetype: 'u1.medium', preference: 'rhel.9' }), withRevisions));
    expect(c.action).toBe('update');
    expect((c.manifest!.spec as any).instancetype).toEqual({
      name: 'u1.medium',
      kind: 'VirtualMachineClusterInstancetype',
    });
  });

  test('is carried when the last apply sent revisionName: null (a rename), so the next one does not delete it', () => {
    const renamed = vmFor({ instancetype: 'u1.large', preference: 'rhel.9' }) as any;
    const sent = structuredClone(renamed);
    sent.spec.instancetype.revisionName = null;
    const live = running(sent, (o) => (o.spec.instancetype.revisionName = 'web-01-u1.large-v1beta1-xyz-1'));
    live.spec.preference.revisionName = 'web-01-rhel.9-v1beta1-def-1';
    const c = change(
      vmFor({ instancetype: 'u1.large', preference: 'rhel.9', eviction_strategy: 'None' }),
      live,
    );
    expect((c.manifest!.spec as any).instancetype.revisionName).toBe('web-01-u1.large-v1beta1-xyz-1');
    expect((c.manifest!.spec as any).preference).not.toHaveProperty('revisionName');
  });

  test('is cleared (null) when the matcher names another instance type, which KubeVirt requires', () => {
    const m = vmFor({ instancetype: 'u1.large', preference: 'rhel.9' });
    const c = change(m, running(vmFor({ instancetype: 'u1.medium', preference: 'rhel.9' }), withRevisions));
    expect(c.action).toBe('update');
    expect((c.manifest!.spec as any).instancetype).toEqual({
      name: 'u1.large',
      kind: 'VirtualMachineClusterInstancetype',
      revisionName: null,
    });
    expect((c.manifest!.spec as any).preference).toEqual({
      name: 'rhel.9',
      kind: 'VirtualMachineClusterPreference',
    });
  });
});

describe('CPU changes on a running VM under LiveUpdate', () => {
  test.each<[string, Record<string, unknown>, Record<string, unknown>, string]>([
    [
      'more sockets: hot-plugged',
      { cpu: 2, cpu_topology: 'sockets' },
      { cpu: 4, cpu_topology: 'sockets' },
      'live',
    ],
    [
      'more sockets within max_sockets',
      { cpu: 2, cpu_topology: 'sockets', max_sockets: 16 },
      { cpu: 12, cpu_topology: 'sockets', max_sockets: 16 },
      'live',
    ],
    [
      'more sockets than 4× without max_sockets',
      { cpu: 2, cpu_topology: 'sockets' },
      { cpu: 9, cpu_topology: 'sockets' },
      'restart',
    ],
    // "Reduction of CPU socket count requires a restart" (kubevirt/kubevirt@a771b994 pkg/virt-controller/watch/vm/vm.go handleCPUChangeRequest).
    ['fewer sockets', { cpu: 4, cpu_topology: 'sockets' }, { cpu: 2, cpu_topology: 'sockets' }, 'restart'],
    ['more cores', { cpu: 2 }, { cpu: 4 }, 'restart'],
    // The switch an admin makes once: every running VM's template goes from cores to sockets.
    ['cores → sockets, same count', { cpu: 2 }, { cpu: 2, cpu_topology: 'sockets' }, 'restart'],
    [
      'a new max_sockets',
      { cpu: 2, cpu_topology: 'sockets' },
      { cpu: 2, cpu_topology: 'sockets', max_sockets: 8 },
      'restart',
    ],
  ])('%s: %s', (_name, before, after, effect) => {
    const c = change(vmFor(after), running(vmFor(before)));
    expect(c.action).toBe('update');
    expect(c.vm).toBe(effect);
  });
});

// The simulator's CDI clones from a DataSource: they wait for the golden import, then clone in a short fixed time.
import { startSimulator, type Simulator } from './index.js';
import { kubectl } from './kubectl.js';

const storage = { resources: { requests: { storage: '10Gi' } } };
const clone = (name: string) => ({
  apiVersion: 'cdi.kubevirt.io/v1beta1',
  kind: 'DataVolume',
  metadata: { name, namespace: 'default' },
  spec: { sourceRef: { kind: 'DataSource', name: 'rhel' }, storage },
});

describe('golden image clones', () => {
  let sim: Simulator;
  afterEach(() => sim.stop());

  test('a clone created before its source exists waits (CloneWithoutSource), then clones once the import succeeds', async () => {
    sim = await startSimulator({ schemasDir: null });
    const manifests = [
      {
        apiVersion: 'cdi.kubevirt.io/v1beta1',
        kind: 'DataSource',
        metadata: { name: 'rhel', namespace: 'default' },
        spec: { source: { pvc: { name: 'rhel-golden', namespace: 'default' } } },
      },
      clone('vm-1-root'),
    ];
    expect(
      (
        await kubectl(
          sim,
          ['apply', '-f', '-'],
          JSON.stringify({ kind: 'List', apiVersion: 'v1', items: manifests }),
        )
      ).code,
    ).toBe(0);
    await sim.settle();
    expect(sim.get('DataVolume', 'default', 'vm-1-root').status.phase).toBe('CloneScheduled');
    expect(sim.get('DataSource', 'default', 'rhel').status.conditions[0]).toMatchObject({
      type: 'Ready',
      status: 'False',
      reason: 'NotFound',
    });
    expect(sim.list('Event', 'default').map((e) => e.reason)).toContain('CloneWithoutSource');
    sim.put({
      apiVersion: 'cdi.kubevirt.io/v1beta1',
      kind: 'DataVolume',
      metadata: { name: 'rhel-golden', namespace: 'default' },
      spec: { source: { http: { url: 'http://mirror/rhel.qcow2' } }, storage },
    });
    await sim.settle();
    expect(sim.get('DataVolume', 'default', 'rhel-golden').status.phase).toBe('Succeeded');
    expect(sim.get('DataSource', 'default', 'rhel').status.conditions[0]).toMatchObject({ status: 'True' });
    expect(sim.get('DataVolume', 'default', 'vm-1-root').status.phase).toBe('Succeeded');
    expect(sim.get('PersistentVolumeClaim', 'default', 'vm-1-root').status.phase).toBe('Bound');
  });
});

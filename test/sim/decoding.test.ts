// What the API server and CDI do with a body before storing it, as the simulator models them through
// the real kubectl: nulls a custom resource's schema does not allow are dropped, and a DataVolume's
// immutable spec compares its sizes by value.
import { startSimulator, type Simulator } from './index.js';
import { kubectl } from './kubectl.js';

const vm = (extra: string) => `apiVersion: kubevirt.io/v1
kind: VirtualMachine
metadata:
  name: web-1
spec:
  runStrategy: Halted
  template:
    spec:
${extra}      domain:
        devices: {}
`;
const dv = (size: string) => `apiVersion: cdi.kubevirt.io/v1beta1
kind: DataVolume
metadata:
  name: disk-1
spec:
  source:
    blank: {}
  storage:
    resources:
      requests:
        storage: ${size}
`;

describe('decoding and immutability', () => {
  let sim: Simulator;
  beforeEach(async () => {
    sim = await startSimulator({ profile: 'vanilla' });
  });
  afterEach(() => sim.stop());

  test('a null in a create body, where the schema allows none, is dropped rather than refused', async () => {
    const r = await kubectl(sim, ['create', '-f', '-'], vm('      nodeSelector: null\n'));
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('virtualmachine.kubevirt.io/web-1 created');
    expect('nodeSelector' in sim.get('VirtualMachine', 'default', 'web-1').spec.template.spec).toBe(false);
  });

  test("a DataVolume's spec with the same size spelled otherwise is no change to its immutable spec; another size is", async () => {
    expect((await kubectl(sim, ['create', '-f', '-'], dv('10Gi'))).stdout).toContain('created');
    // Let CDI's status writes finish: kubectl replace reads the object's resourceVersion and then puts,
    // and a status write between the two is a Conflict, as on a real API server.
    await sim.settle();
    const same = await kubectl(sim, ['replace', '-f', '-'], dv('10240Mi'));
    expect(same.stderr).toBe('');
    const other = await kubectl(sim, ['replace', '-f', '-'], dv('20Gi'));
    expect(other.stderr).toContain('Cannot update DataVolume Spec');
  });
});

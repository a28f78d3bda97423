// The front half of every action with --target: the spec is planned once, its target alone rendered.
import { loadSpec, renderSpec, type PrepareDeps } from '../../lib/pipeline/prepare-manifests.js';
import type { PlannedSpec } from '../../lib/pipeline/workspace-plans.js';
import { IMAGE, LAN, repoRoot, tempDir, writeWorkspace } from '../helpers/workspace.js';

describe('--target', () => {
  const home = writeWorkspace(tempDir(), {
    config: { networks: { lan: LAN }, ...IMAGE },
    specs: { web: { network: 'lan', replicas: 5 } },
  });
  const options = { home, project: 'demo', spec: 'web', sets: [], target: 'web-03' };

  test('takes the target out of the one plan of every instance (which the address check needs), not a second planning', () => {
    const specPlans = new Map<string, PlannedSpec>();
    const loaded = loadSpec(options, { env: {}, toolRoot: repoRoot, specPlans });
    const whole = specPlans.get('demo/web')!.plan;
    expect(whole.instances.map((i) => i.name)).toEqual(['web-01', 'web-02', 'web-03', 'web-04', 'web-05']);
    expect(loaded.plan.instances).toHaveLength(1);
    expect(loaded.plan.instances[0]).toBe(whole.instances[2]);
  });

  test("renders the target's manifests only", async () => {
    const deps: PrepareDeps = { env: {}, toolRoot: repoRoot };
    const { manifests } = await renderSpec(loadSpec(options, deps), deps);
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([
      'NetworkAttachmentDefinition/web-03-lan',
      'Secret/web-03-cloud-init',
      'DataVolume/web-03-rootdisk',
      'VirtualMachine/web-03',
    ]);
  });

  test('an unknown one is exit 2, naming the instances', () => {
    expect(() => loadSpec({ ...options, target: 'web-09' }, { env: {}, toolRoot: repoRoot })).toThrow(
      expect.objectContaining({
        exitCode: 2,
        message: '--target web-09: no such instance in demo/web',
        hint: 'instances: web-01, web-02, web-03, web-04, web-05',
      }),
    );
  });
});

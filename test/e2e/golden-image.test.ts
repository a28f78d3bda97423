// Golden images through the real kubectl against the simulator: one import, a clone per instance, redeploys and image changes.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startE2E, type E2E } from '../helpers/e2e.js';

const CATALOG = `
images:
  rhel95:
    url: http://mirror.example.internal/images/rhel-9.5.qcow2
    size: 20Gi
`;

describe('image: NAME from the images: catalog', () => {
  let e2e: E2E;
  const config = () => path.join(e2e.home, 'projects', 'demo', 'config.yaml');
  const dvs = () => e2e.sim.list('DataVolume', 'vm-demo');
  beforeAll(async () => {
    e2e = await startE2E();
    appendFileSync(config(), CATALOG);
    writeFileSync(
      path.join(e2e.home, 'projects', 'demo', 'specs', 'app.yaml'),
      'image: rhel95\nreplicas: 3\nnetwork: pod\ncloud_init: "#cloud-config\\n"\n',
    );
    writeFileSync(
      path.join(e2e.home, 'projects', 'demo', 'specs', 'api.yaml'),
      'image: rhel95\nreplicas: 1\nnetwork: pod\ncloud_init: "#cloud-config\\n"\n',
    );
  });
  afterAll(() => e2e.close());

  test('deploy makes one golden DataVolume and its DataSource; every instance disk clones it', async () => {
    const r = await e2e.run(['demo', 'app', 'deploy']);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\[SUCCESS\] DataVolume rhel95-[0-9a-f]{8} \(created\)/);
    expect(r.stdout).toContain('[SUCCESS] DataSource rhel95 (created)');
    await e2e.sim.settle();
    const imports = dvs().filter((d) => d.spec.source?.http);
    expect(imports.map((d) => d.spec.source.http.url)).toEqual([
      'http://mirror.example.internal/images/rhel-9.5.qcow2',
    ]);
    const golden = imports[0];
    expect(golden.metadata.labels).toMatchObject({ 'v-auto/project': 'demo', 'v-auto/image': 'rhel95' });
    expect(golden.metadata.labels['v-auto/spec']).toBeUndefined();
    expect(golden.spec.storage.resources.requests.storage).toBe('20Gi');
    const ds = e2e.sim.get('DataSource', 'vm-demo', 'rhel95');
    expect(ds.spec.source.pvc).toEqual({ name: golden.metadata.name, namespace: 'vm-demo' });
    expect(ds.status.conditions[0]).toMatchObject({ type: 'Ready', status: 'True' });
    for (const n of ['01', '02', '03']) {
      const dv = e2e.sim.get('DataVolume', 'vm-demo', `app-${n}-rootdisk`);
      expect(dv.spec.source).toBeUndefined();
      expect(dv.spec.sourceRef).toEqual({ kind: 'DataSource', name: 'rhel95' });
      expect(dv.status.phase).toBe('Succeeded');
      expect(e2e.sim.get('VirtualMachine', 'vm-demo', `app-${n}`).status.ready).toBe(true);
    }
    const cloned = e2e.sim
      .list('Event', 'vm-demo')
      .filter((e) => e.reason === 'CloneSucceeded')
      .map((e) => e.involvedObject.name)
      .sort();
    expect(cloned).toEqual(['app-01-rootdisk', 'app-02-rootdisk', 'app-03-rootdisk']);
  });

  test('status shows the golden image the spec clones, and -o json carries it', async () => {
    const r = await e2e.run(['demo', 'app', 'status']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /Golden image rhel95: DataVolume rhel95-[0-9a-f]{8} Succeeded, DataSource rhel95 ready/,
    );
    const doc = JSON.parse((await e2e.run(['demo', 'app', 'status', '-o', 'json'])).stdout);
    expect(doc.golden).toMatchObject({
      image: 'rhel95',
      phase: 'Succeeded',
      dataSource: 'rhel95',
      ready: true,
    });
  });

  test('a redeploy skips everything, the golden image included', async () => {
    const r = await e2e.run(['demo', 'app', 'deploy']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('[SUCCESS]');
    expect(r.stdout).toContain('[SKIPPED] DataSource rhel95 (unchanged)');
    expect(r.stdout).toMatch(/0 succeeded, 11 skipped, 0 failed/);
  });

  test('another spec of the project takes the same golden image as it is: no second import', async () => {
    const r = await e2e.run(['demo', 'api', 'deploy']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[SKIPPED] DataSource rhel95 (unchanged)');
    expect(r.stdout).toContain('[SUCCESS] DataVolume api-01-rootdisk (created)');
    await e2e.sim.settle();
    expect(dvs().filter((d) => d.spec.source?.http)).toHaveLength(1);
    expect(e2e.sim.get('DataVolume', 'vm-demo', 'api-01-rootdisk').status.phase).toBe('Succeeded');
  });

  test('a new image URL makes a new golden image and moves the DataSource; running disks stay as they are', async () => {
    const before = dvs().find((d) => d.spec.source?.http)!.metadata.name;
    const disks = ['01', '02', '03'].map((n) =>
      e2e.sim.get('PersistentVolumeClaim', 'vm-demo', `app-${n}-rootdisk`),
    );
    writeFileSync(config(), readFileSync(config(), 'utf8').replace('rhel-9.5.qcow2', 'rhel-9.6.qcow2'));
    const r = await e2e.run(['demo', 'app', 'deploy', '--replicas', '4']);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\[SUCCESS\] DataVolume rhel95-[0-9a-f]{8} \(created\)/);
    expect(r.stdout).toContain('[SUCCESS] DataSource rhel95 (configured)');
    for (const n of ['01', '02', '03']) {
      expect(r.stdout).toContain(`[SKIPPED] DataVolume app-${n}-rootdisk (unchanged)`);
      expect(r.stdout).toContain(`[SKIPPED] VirtualMachine app-${n} (unchanged)`);
    }
    await e2e.sim.settle();
    const goldens = dvs().filter((d) => d.spec.source?.http);
    expect(goldens).toHaveLength(2);
    const after = goldens.find((d) => d.metadata.name !== before)!;
    expect(after.spec.source.http.url).toMatch(/rhel-9\.6/);
    expect(e2e.sim.get('DataSource', 'vm-demo', 'rhel95').spec.source.pvc.name).toBe(after.metadata.name);
    ['01', '02', '03'].forEach((n, i) => {
      const pvc = e2e.sim.get('PersistentVolumeClaim', 'vm-demo', `app-${n}-rootdisk`);
      expect(pvc.metadata.uid).toBe(disks[i].metadata.uid);
      expect(pvc.metadata.resourceVersion).toBe(disks[i].metadata.resourceVersion);
    });
    // The new instance clones the new image.
    const ev = e2e.sim
      .list('Event', 'vm-demo')
      .find((e) => e.involvedObject.name === 'app-04-rootdisk' && e.reason === 'CloneSucceeded');
    expect(ev.message).toContain(`vm-demo/${after.metadata.name}`);
  });
});

describe('golden images and --prune, delete', () => {
  let e2e: E2E;
  const config = () => path.join(e2e.home, 'projects', 'demo', 'config.yaml');
  const goldens = () =>
    e2e.sim
      .list('DataVolume', 'vm-demo')
      .filter((d) => d.metadata.labels?.['v-auto/image'])
      .map((d) => d.metadata.name);
  beforeAll(async () => {
    e2e = await startE2E();
    appendFileSync(config(), CATALOG);
    for (const spec of ['app', 'api'])
      writeFileSync(
        path.join(e2e.home, 'projects', 'demo', 'specs', `${spec}.yaml`),
        'image: rhel95\nreplicas: 1\nnetwork: pod\ncloud_init: "#cloud-config\\n"\n',
      );
  });
  afterAll(() => e2e.close());

  test('deploy --prune removes the golden disk nothing plans after an image change, and keeps the planned one', async () => {
    expect((await e2e.run(['demo', 'app', 'deploy'])).code).toBe(0);
    expect((await e2e.run(['demo', 'api', 'deploy'])).code).toBe(0);
    await e2e.sim.settle();
    const [old] = goldens();
    writeFileSync(config(), readFileSync(config(), 'utf8').replace('rhel-9.5.qcow2', 'rhel-9.6.qcow2'));
    expect((await e2e.run(['demo', 'app', 'deploy'])).code).toBe(0);
    await e2e.sim.settle();
    expect(goldens()).toHaveLength(2);
    const r = await e2e.run(['demo', 'app', 'deploy', '--prune', '--yes']);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`[DELETED] DataVolume ${old}`);
    await e2e.sim.settle();
    const left = goldens();
    expect(left).toHaveLength(1);
    expect(left[0]).not.toBe(old);
    expect(e2e.sim.get('DataSource', 'vm-demo', 'rhel95')).toBeDefined();
    // The instances' disks were clones: they stay.
    expect(e2e.sim.get('PersistentVolumeClaim', 'vm-demo', 'app-01-rootdisk')).toBeDefined();
  });

  test('delete of a spec leaves the golden image another spec plans', async () => {
    const r = await e2e.run(['demo', 'app', 'delete', '--yes']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/DataSource rhel95|DataVolume rhel95-/);
    await e2e.sim.settle();
    expect(goldens()).toHaveLength(1);
    expect(e2e.sim.get('DataSource', 'vm-demo', 'rhel95')).toBeDefined();
  });
});

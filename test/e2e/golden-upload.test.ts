// A file: golden image uploaded once from the bastion through the simulator's CDI upload proxy, with the real kubectl.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startE2E, type E2E } from '../helpers/e2e.js';

describe('images: {file} uploads through the upload proxy', () => {
  let e2e: E2E;
  const image = Buffer.alloc(3 * 1024 * 1024, 7);
  const sha256 = createHash('sha256').update(image).digest('hex');
  const project = () => path.join(e2e.home, 'projects', 'demo');
  const catalog = (sum: string) =>
    `namespace: vm-demo\nnetworks:\n  pod:\n    type: pod\nimages:\n  base:\n    file: images/base.qcow2\n    size: 10Gi\n    sha256: ${sum}\n`;
  beforeAll(async () => {
    e2e = await startE2E();
    mkdirSync(path.join(project(), 'images'));
    writeFileSync(path.join(project(), 'images', 'base.qcow2'), image);
    writeFileSync(
      path.join(project(), 'specs', 'app.yaml'),
      'image: base\nreplicas: 2\nnetwork: pod\ncloud_init: "#cloud-config\\n"\n',
    );
  });
  afterAll(() => e2e.close());

  test('a file whose checksum differs is exit 2 before anything is sent', async () => {
    writeFileSync(path.join(project(), 'config.yaml'), catalog('a'.repeat(64)));
    const r = await e2e.run(['demo', 'app', 'deploy', '--insecure-upload']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `images.base.file: images/base.qcow2 has SHA-256 ${sha256}, not the catalog's`,
    );
    expect(e2e.sim.list('DataVolume', 'vm-demo')).toEqual([]);
  });

  test('a self-signed proxy is refused without --insecure-upload, and the token never shows', async () => {
    writeFileSync(path.join(project(), 'config.yaml'), catalog(sha256));
    const r = await e2e.run(['demo', 'app', 'deploy']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/certificate that does not verify/);
    expect(r.stderr).toContain('--insecure-upload');
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/Bearer|token: /i);
  });

  test('deploy uploads the file once (restarting after a broken link), and every instance clones it', async () => {
    e2e.sim.faults.breakUploads = 1;
    const r = await e2e.run(['demo', 'app', 'deploy', '--insecure-upload', '--wait', '60'], {
      V_AUTO_DEBUG: '1',
    });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/the link broke .*starting again \(2\/3\)/);
    expect(r.stderr).toContain('uploading images/base.qcow2: 100% (3.0 of 3.0 MiB)');
    expect(r.stdout).toMatch(
      /\[SUCCESS\] DataVolume base-[0-9a-f]{8} \(uploaded images\/base.qcow2 \(3\.0 MiB in/,
    );
    expect(e2e.sim.faults.breakUploads).toBe(0);
    // Neither the token nor the image reaches a command line or the debug log.
    expect(r.calls.join('\n')).not.toMatch(/Bearer|base\.qcow2/);
    expect(r.stderr).not.toMatch(/Bearer/);
    const golden = e2e.sim.list('DataVolume', 'vm-demo').find((d) => d.spec.source?.upload);
    expect(golden.status.phase).toBe('Succeeded');
    expect(golden.metadata.annotations['v-auto/sha256']).toBe(sha256);
    await e2e.sim.settle();
    for (const n of ['01', '02'])
      expect(e2e.sim.get('DataVolume', 'vm-demo', `app-${n}-rootdisk`).status.phase).toBe('Succeeded');
    const uploads = e2e.sim.list('Event', 'vm-demo').filter((e) => e.reason === 'UploadSucceeded');
    expect(uploads).toHaveLength(1);
  });

  test('a redeploy sends nothing and uploads nothing', async () => {
    const r = await e2e.run(['demo', 'app', 'deploy', '--insecure-upload']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('[SUCCESS]');
    expect(r.stderr).not.toContain('uploading');
    expect(e2e.sim.list('Event', 'vm-demo').filter((e) => e.reason === 'UploadSucceeded')).toHaveLength(1);
  });
});

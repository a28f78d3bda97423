// Start-up time, a 1,000-object list through kubectl (timings printed, never asserted), and running without schemas.
import { jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { startSimulator, type Simulator } from './index.js';
import { fixture, kubectl } from './kubectl.js';

test('starts quickly and stops cleanly', async () => {
  const t0 = performance.now();
  const sim = await startSimulator();
  const ms = performance.now() - t0;
  console.log(`simulator start: ${ms.toFixed(1)} ms`);
  expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(readFileSync(sim.kubeconfigPath, 'utf8')).toContain('"current-context": "sim"');
  await sim.stop();
});

describe('1,000 objects', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterAll(async () => {
    await sim.stop();
  });

  test('seeded, then listed with a selector across three kinds', async () => {
    const t0 = performance.now();
    for (let i = 0; i < 1000; i++) {
      const labels: Record<string, string> = { group: `g${i % 10}`, ...(i % 7 === 0 ? { skip: 'yes' } : {}) };
      const metadata = { name: `obj-${String(i).padStart(4, '0')}`, namespace: 'bench', labels };
      if (i % 3 === 0)
        sim.put({
          apiVersion: 'kubevirt.io/v1',
          kind: 'VirtualMachine',
          metadata,
          spec: { runStrategy: 'Halted', template: { spec: {} } },
        });
      else if (i % 3 === 1)
        sim.put({
          apiVersion: 'cdi.kubevirt.io/v1beta1',
          kind: 'DataVolume',
          metadata,
          spec: { source: { blank: {} } },
          status: { phase: 'Succeeded', progress: '100.0%' },
        });
      else
        sim.put({
          apiVersion: 'k8s.cni.cncf.io/v1',
          kind: 'NetworkAttachmentDefinition',
          metadata,
          spec: { config: '{}' },
        });
    }
    await sim.settle();
    const seeded = performance.now() - t0;
    const t1 = performance.now();
    const r = await kubectl(sim, [
      'get',
      'vm,dv,net-attach-def',
      '-n',
      'bench',
      '-l',
      'group in (g1,g2,g3),!skip',
      '-o',
      'json',
    ]);
    const listed = performance.now() - t1;
    const items = JSON.parse(r.stdout).items;
    const expected = Array.from({ length: 1000 }, (_, i) => i).filter(
      (i) => [1, 2, 3].includes(i % 10) && i % 7 !== 0,
    ).length;
    expect(items).toHaveLength(expected);
    const t2 = performance.now();
    const all = await kubectl(sim, ['get', 'vm,dv,net-attach-def', '-n', 'bench', '-o', 'name']);
    const listedAll = performance.now() - t2;
    expect(all.stdout.trim().split('\n')).toHaveLength(1000);
    console.log(
      `seed+settle 1000 objects: ${seeded.toFixed(0)} ms; kubectl get with selector (${items.length} hits): ${listed.toFixed(0)} ms; kubectl get all 1000 -o name (paged by 500): ${listedAll.toFixed(0)} ms`,
    );
  });
});

test('without schemas: validation is skipped, logged once to stderr', async () => {
  const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const sim = await startSimulator({ schemasDir: '/nonexistent/schemas' });
  try {
    const yaml = readFileSync(fixture('stack-data.yaml'), 'utf8').replace(
      'runStrategy: Always',
      'runStrategy: Always\n  fooBar: 1',
    );
    const r = await kubectl(sim, ['apply', '-f', '-'], yaml);
    expect(r.code).toBe(0);
    await kubectl(sim, ['apply', '-f', '-'], yaml.replace('cores: 2', 'cores: 3'));
    const logged = write.mock.calls
      .map((c) => String(c[0]))
      .filter((s) => s.includes('schema validation is skipped'));
    expect(logged).toHaveLength(1);
  } finally {
    write.mockRestore();
    await sim.stop();
  }
});

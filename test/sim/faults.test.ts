// Each fault switch, and each realistic rejection, as the real kubectl reports it.
import { existsSync, readFileSync } from 'node:fs';
import { defaultSchemasDir, startSimulator, type Simulator } from './index.js';
import { fixture, kubectl } from './kubectl.js';

const STACK = readFileSync(fixture('stack-data.yaml'), 'utf8');

// Schema rejections need the upstream schemas, which live beside the repository, not in it.
const haveSchemas = existsSync(defaultSchemasDir());
if (!haveSchemas)
  console.warn(
    `*** simulator schema tests SKIPPED: no schemas at ${defaultSchemasDir()} (set V_AUTO_SCHEMAS) ***`,
  );
const schemaTest = haveSchemas ? test : test.skip;

describe('faults and rejections through kubectl', () => {
  let sim: Simulator;
  beforeEach(async () => {
    sim = await startSimulator();
  });
  afterEach(async () => {
    await sim.stop();
  });

  test('unauthorized: get says "You must be logged in", apply fails fetching openapi first', async () => {
    sim.faults.unauthorized = true;
    const get = await kubectl(sim, ['get', 'vm']);
    expect(get.code).toBe(1);
    expect(get.stderr).toContain(
      'error: You must be logged in to the server (the server has asked for the client to provide credentials)',
    );
    const apply = await kubectl(sim, ['apply', '-f', '-'], STACK);
    expect(apply.stderr).toContain(
      'failed to download openapi: the server has asked for the client to provide credentials',
    );
    expect(sim.list('VirtualMachine')).toEqual([]);
  });

  test('forbidden: the matching request gets an RBAC-style 403, the rest go through', async () => {
    sim.faults.forbidden = [{ resource: 'virtualmachines', verb: 'create', namespace: 'default' }];
    const r = await kubectl(sim, ['apply', '-f', '-'], STACK);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('datavolume.cdi.kubevirt.io/web-1-rootdisk created');
    expect(r.stderr.trim()).toBe(
      'Error from server (Forbidden): error when creating "STDIN": virtualmachines.kubevirt.io is forbidden: User "sim-user" cannot create resource "virtualmachines" in API group "kubevirt.io" in the namespace "default"',
    );
  });

  test('serverErrorOnce: one 500 InternalError, then normal service', async () => {
    sim.faults.serverErrorOnce = 1;
    const r = await kubectl(sim, ['get', 'vm']);
    expect(r.stderr.trim()).toBe(
      'Error from server (InternalError): Internal error occurred: simulated server error (v-auto simulator fault serverErrorOnce)',
    );
    expect((await kubectl(sim, ['get', 'vm'])).code).toBe(0);
    sim.faults.serverErrorOnce = 1;
    const apply = await kubectl(sim, ['apply', '-f', '-'], STACK);
    // The first object's GET fails; kubectl carries on with the others.
    expect(apply.stderr).toContain(
      'Error from server (InternalError): error when retrieving current configuration of:',
    );
    expect(apply.stdout).toContain('virtualmachine.kubevirt.io/web-1 created');
  });

  test('latencyMs delays every response', async () => {
    await kubectl(sim, ['get', 'vm']);
    sim.faults.latencyMs = 300;
    const started = Date.now();
    await kubectl(sim, ['get', 'vm', 'web-1', '--ignore-not-found']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  test('rejectCreate: 422 Invalid for that one object; the others are created', async () => {
    sim.faults.rejectCreate = [
      {
        kind: 'VirtualMachine',
        name: 'web-1',
        message: 'Invalid value: 4: exceeds the namespace quota',
        field: 'spec.template.spec.domain.cpu.cores',
      },
    ];
    const r = await kubectl(sim, ['apply', '-f', '-'], STACK);
    expect(r.stdout.trim().split('\n')).toHaveLength(3);
    expect(r.stderr.trim()).toBe(
      'The VirtualMachine "web-1" is invalid: spec.template.spec.domain.cpu.cores: Invalid value: 4: exceeds the namespace quota',
    );
  });

  test('missing namespace: namespaces "x" not found, once per object', async () => {
    const r = await kubectl(sim, ['apply', '-n', 'nope', '-f', '-'], STACK);
    expect(r.stderr.trim().split('\n')).toEqual(
      Array(4).fill('Error from server (NotFound): error when creating "STDIN": namespaces "nope" not found'),
    );
  });

  schemaTest('unknown field under fieldValidation=Strict: 400 with the field path', async () => {
    const r = await kubectl(
      sim,
      ['apply', '-f', '-'],
      STACK.replace('runStrategy: Always', 'runStrategy: Always\n  fooBar: 1').replace(
        'bus: virtio',
        'bus: virtio\n                cache: none\n                speed: fast',
      ),
    );
    expect(r.stderr.trim()).toBe(
      'Error from server (BadRequest): error when creating "STDIN": VirtualMachine in version "v1" cannot be handled as a VirtualMachine: strict decoding error: unknown field "spec.fooBar", unknown field "spec.template.spec.domain.devices.disks[0].disk.cache", unknown field "spec.template.spec.domain.devices.disks[0].disk.speed"',
    );
    expect(sim.get('VirtualMachine', 'default', 'web-1')).toBeUndefined();
  });

  schemaTest('unknown field under --validate=warn: pruned, with a warning', async () => {
    const r = await kubectl(
      sim,
      ['apply', '--validate=warn', '-f', '-'],
      STACK.replace('runStrategy: Always', 'runStrategy: Always\n  fooBar: 1'),
    );
    expect(r.code).toBe(0);
    expect(r.stderr.trim()).toBe('Warning: unknown field "spec.fooBar"');
    expect(sim.get('VirtualMachine', 'default', 'web-1').spec.fooBar).toBeUndefined();
  });

  schemaTest.each([
    [
      'wrong type',
      'cores: 2',
      'cores: "two"',
      'The VirtualMachine "web-1" is invalid: spec.template.spec.domain.cpu.cores: Invalid value: "string": spec.template.spec.domain.cpu.cores in body must be of type integer: "string"',
    ],
    [
      'missing required',
      '- name: rootdisk\n              disk:',
      '- disk:',
      'The VirtualMachine "web-1" is invalid: spec.template.spec.domain.devices.disks[0].name: Required value',
    ],
  ])('schema violation (%s): 422 Invalid with the field path', async (_label, from, to, message) => {
    const r = await kubectl(sim, ['apply', '-f', '-'], STACK.replace(from, to));
    expect(r.stderr.trim()).toBe(message);
  });

  test("DataVolume spec update: denied by CDI's admission webhook", async () => {
    await kubectl(sim, ['apply', '-f', '-'], STACK);
    const r = await kubectl(sim, ['apply', '-f', '-'], STACK.replace('storage: 20Gi', 'storage: 30Gi'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error from server: error when applying patch:/);
    expect(r.stderr.trim()).toMatch(
      /error when patching "STDIN": admission webhook "datavolume-validate.cdi.kubevirt.io" denied the request: {2}Cannot update DataVolume Spec$/,
    );
    expect(sim.get('DataVolume', 'default', 'web-1-rootdisk').spec.storage.resources.requests.storage).toBe(
      '20Gi',
    );
  });

  test('failImports: the DataVolume restarts with Warning events, then fails; the VM reports DataVolumeError', async () => {
    sim.faults.failImports = ['web-1-rootdisk'];
    await kubectl(sim, ['apply', '-f', '-'], STACK);
    await sim.settle();
    const dv = sim.get('DataVolume', 'default', 'web-1-rootdisk');
    expect(dv.status.phase).toBe('Failed');
    expect(dv.status.restartCount).toBeGreaterThan(0);
    const warnings = sim
      .list('Event', 'default')
      .filter((e) => e.type === 'Warning' && e.involvedObject.name === 'web-1-rootdisk');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      reason: 'Error',
      count: dv.status.restartCount,
      source: { component: 'datavolume-import-controller' },
    });
    expect(warnings[0].message).toContain('404 Not Found');
    expect(sim.get('VirtualMachine', 'default', 'web-1').status.printableStatus).toBe('DataVolumeError');
    const ev = await kubectl(sim, [
      'get',
      'events',
      '--field-selector',
      'involvedObject.name=web-1-rootdisk,type=Warning',
      '-o',
      'json',
    ]);
    expect(JSON.parse(ev.stdout).items).toHaveLength(1);
  });
});

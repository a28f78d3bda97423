// Validates every manifest `inspect -o yaml` prints for the examples against the upstream JSON schemas
// (../shared/schemas or $V_AUTO_SCHEMAS), read in place and never copied into the repository.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parseAllDocuments } from 'yaml';
import { inspectPrinted } from '../helpers/inspect.js';
import type { Output } from '../../lib/report/output.js';
import { named, renderFor, repoRoot } from '../helpers/workspace.js';

// ajv and ajv-formats are CommonJS: the default import is module.exports, the class sits on `.default`.
const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;

const schemasDir = process.env.V_AUTO_SCHEMAS ?? path.resolve(repoRoot, '../shared/schemas');
const SCHEMA_FILES: Record<string, string> = {
  'kubevirt.io/v1/VirtualMachine': 'kubevirt.io/virtualmachine_v1.json',
  'cdi.kubevirt.io/v1beta1/DataVolume': 'cdi.kubevirt.io/datavolume_v1beta1.json',
  'k8s.cni.cncf.io/v1/NetworkAttachmentDefinition': 'k8s.cni.cncf.io/networkattachmentdefinition_v1.json',
};
const missing = Object.values(SCHEMA_FILES).filter((f) => !existsSync(path.join(schemasDir, f)));
if (missing.length) {
  console.warn(
    `\n*** SCHEMA VALIDATION SKIPPED ***\n${schemasDir} lacks ${missing.join(', ')}.\n` +
      'Set V_AUTO_SCHEMAS to a folder holding the KubeVirt, CDI and Multus JSON schemas to validate the rendered manifests.\n',
  );
}
const describeWithSchemas = missing.length ? describe.skip : describe;

type Schema = { [key: string]: unknown };

/**
 * Closes every object schema that lists `properties` but says nothing about other fields, the way the API
 * server's strict field validation rejects unknown fields. `x-kubernetes-preserve-unknown-fields` stays open.
 */
export function closeObjects(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Schema = Object.fromEntries(
    Object.entries(schema).map(([k, v]) => [
      k,
      k === 'enum' || k === 'default' || k === 'example' ? v : closeObjects(v),
    ]),
  );
  if (
    out.properties &&
    out.additionalProperties === undefined &&
    out['x-kubernetes-preserve-unknown-fields'] !== true
  )
    out.additionalProperties = false;
  return out;
}

function validatorFor(key: string) {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const schema = JSON.parse(readFileSync(path.join(schemasDir, SCHEMA_FILES[key]), 'utf8'));
  return ajv.compile(closeObjects(schema) as Schema);
}

async function inspectYaml(spec: string, replicas: number): Promise<Record<string, any>[]> {
  let out = '';
  const output: Output = { out: (t) => void (out += t), err: () => undefined, isTTY: false, color: false };
  const options = {
    home: path.join(repoRoot, 'examples'),
    project: 'demo',
    spec,
    sets: [],
    replicas,
    output: 'yaml' as const,
    showSecrets: true,
  };
  expect(await inspectPrinted(options, { toolRoot: repoRoot, env: { V_AUTO_PASSWORD: 'pw' }, output })).toBe(
    0,
  );
  return parseAllDocuments(out).map((d) => d.toJS());
}

const keyOf = (m: Record<string, any>) => `${m.apiVersion.replace(/^(.*)\/(\w+)$/, '$1/$2')}/${m.kind}`;

describe('closeObjects', () => {
  test('closes objects with properties, leaves the others open', () => {
    const schema = {
      type: 'object',
      properties: {
        a: { type: 'object', properties: { b: {} } },
        m: { type: 'object' },
        p: { type: 'object', properties: {}, 'x-kubernetes-preserve-unknown-fields': true },
        q: { type: 'object', properties: {}, additionalProperties: { type: 'string' } },
      },
    };
    expect(closeObjects(schema)).toEqual({
      type: 'object',
      additionalProperties: false,
      properties: {
        a: { type: 'object', properties: { b: {} }, additionalProperties: false },
        m: { type: 'object' },
        p: { type: 'object', properties: {}, 'x-kubernetes-preserve-unknown-fields': true },
        q: { type: 'object', properties: {}, additionalProperties: { type: 'string' } },
      },
    });
  });
});

describe('Secrets from the examples', () => {
  test.each(['web', 'db'])('%s: v1 Opaque Secret with base64 data', async (spec) => {
    const secrets = (await inspectYaml(spec, 3)).filter((m) => m.kind === 'Secret');
    expect(secrets).toHaveLength(3);
    for (const s of secrets) {
      expect(Object.keys(s).sort()).toEqual(['apiVersion', 'data', 'kind', 'metadata', 'type']);
      expect([s.apiVersion, s.kind, s.type]).toEqual(['v1', 'Secret', 'Opaque']);
      for (const v of Object.values(s.data) as string[]) {
        expect(v).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
        expect(Buffer.from(v, 'base64').toString('base64')).toBe(v);
      }
    }
  });
});

describeWithSchemas(`upstream schemas (${schemasDir})`, () => {
  // Compiled in beforeAll: a skipped describe still runs its body, and the files may be absent.
  let validators: Record<string, ReturnType<typeof validatorFor>> = {};
  beforeAll(() => {
    validators = Object.fromEntries(Object.keys(SCHEMA_FILES).map((k) => [k, validatorFor(k)]));
  });
  const errorsOf = (m: Record<string, any>) => {
    const validate = validators[keyOf(m)];
    if (!validate) throw new Error(`no schema for ${keyOf(m)}`);
    return validate(m)
      ? []
      : validate.errors!.map(
          (e: { instancePath: string; message?: string; params: object }) =>
            `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`,
        );
  };

  test.each([
    ['web', 3, 12],
    ['db', 3, 10],
  ])('every manifest of %s with %i replicas validates', async (spec, replicas, count) => {
    const manifests = (await inspectYaml(spec, replicas)).filter((m) => m.kind !== 'Secret');
    expect(manifests).toHaveLength(count - replicas);
    for (const m of manifests)
      expect({ name: `${m.kind}/${m.metadata.name}`, errors: errorsOf(m) }).toEqual({
        name: `${m.kind}/${m.metadata.name}`,
        errors: [],
      });
  });

  test('an unknown field fails validation (spec.template.spec.domain.cpu.coress)', async () => {
    const vm = (await inspectYaml('web', 1)).find((m) => m.kind === 'VirtualMachine')!;
    expect(errorsOf(vm)).toEqual([]);
    vm.spec.template.spec.domain.cpu = { coress: 2 };
    expect(errorsOf(vm)).toEqual([
      '/spec/template/spec/domain/cpu must NOT have additional properties {"additionalProperty":"coress"}',
    ]);
  });

  test('a wrong type fails validation (DataVolume storage as a number)', async () => {
    const dv = (await inspectYaml('db', 1)).find((m) => m.kind === 'DataVolume')!;
    dv.spec.storage.resources = 5;
    expect(errorsOf(dv)).toEqual(['/spec/storage/resources must be object {"type":"object"}']);
  });

  test.each([
    { url: 'https://i.example.com/a.qcow2', secret_ref: 'creds', cert_configmap: 'ca' },
    { registry: 'docker://quay.io/containerdisks/fedora:40', secret_ref: 'pull' },
    { pvc: { name: 'rhel9' } },
    { pvc: { namespace: 'golden', name: 'rhel9' } },
    { datasource: { name: 'rhel9' } },
  ])('a DataVolume from image %j validates', (image) => {
    const spec = { image, storage_class: 'ocs-rbd', access_mode: 'ReadWriteMany', volume_mode: 'Block' };
    expect(errorsOf(named(renderFor({ spec }).manifests, 'DataVolume', 'web-01-rootdisk'))).toEqual([]);
  });

  test.each([
    { instancetype: 'u1.medium', preference: 'rhel.9', eviction_strategy: 'LiveMigrate' },
    {
      instancetype: { name: 'big', kind: 'VirtualMachineInstancetype' },
      preference: { name: 'ours', kind: 'VirtualMachinePreference' },
    },
    {
      preference: 'fedora',
      cpu: 4,
      cpu_topology: 'sockets',
      max_sockets: 16,
      eviction_strategy: 'LiveMigrateIfPossible',
    },
    { cpu_topology: 'sockets', eviction_strategy: 'External' },
    { cpu_topology: 'cores', eviction_strategy: 'None' },
  ])('a VirtualMachine with %j validates', (sizing) => {
    const vm = named(
      renderFor({ spec: { image_url: 'https://i.example.com/a.qcow2', ...sizing } }).manifests,
      'VirtualMachine',
      'web-01',
    );
    expect(errorsOf(vm)).toEqual([]);
  });

  test('ipam.mode cloud-init: the shared NAD and the VMs that attach it validate', () => {
    const lan = {
      nad_name: 'lan',
      bridge: 'br-lan',
      vlan: 100,
      ipam: { range: '10.215.100.0/24', gateway: '10.215.100.1', mode: 'cloud-init' },
    };
    const manifests = renderFor({
      config: { networks: { lan } },
      spec: { image_url: 'https://i.example.com/a.qcow2', network: 'lan', replicas: 2 },
    }).manifests.filter((m) => m.kind !== 'Secret');
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([
      'NetworkAttachmentDefinition/lan',
      'DataVolume/web-01-rootdisk',
      'DataVolume/web-02-rootdisk',
      'VirtualMachine/web-01',
      'VirtualMachine/web-02',
    ]);
    for (const m of manifests)
      expect({ name: `${m.kind}/${m.metadata.name}`, errors: errorsOf(m) }).toEqual({
        name: `${m.kind}/${m.metadata.name}`,
        errors: [],
      });
  });

  test('a misspelt instancetype field fails validation', () => {
    const vm = named(
      renderFor({ spec: { image_url: 'https://i.example.com/a.qcow2', instancetype: 'u1.medium' } })
        .manifests,
      'VirtualMachine',
      'web-01',
    ) as any;
    vm.spec.instancetype.kinds = 'x';
    expect(errorsOf(vm)).toEqual([
      '/spec/instancetype must NOT have additional properties {"additionalProperty":"kinds"}',
    ]);
  });
});

import { parseAllDocuments } from 'yaml';
import { ExitCode } from '../../lib/errors.js';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { loadSpec } from '../../lib/pipeline/prepare-manifests.js';
import {
  errorOf,
  IMAGE,
  LAN,
  named,
  ofKind,
  renderFor,
  repoRoot,
  secretText,
  tempDir,
  writeWorkspace,
} from '../helpers/workspace.js';

const CATALOG = {
  networks: {
    lan: LAN,
    office: { nad_name: 'office', bridge: 'br-office' },
    corp: { nad_name: 'corp-net' },
    pod: { type: 'pod' },
  },
};
/** A MAC from the default mac_range (which one: test/plan/mac-addresses.test.ts). */
const PLANNED_MAC = expect.stringMatching(/^0a:76(:[0-9a-f]{2}){4}$/);
const labelsOf = (name: string) => ({
  'v-auto/managed': 'true',
  'v-auto/project': 'demo',
  'v-auto/spec': 'web',
  'v-auto/name': name,
});

describe('NetworkAttachmentDefinitions', () => {
  test('static: one NAD per instance, ipam static with the address cloud-init gets', () => {
    const { manifests } = renderFor({
      config: CATALOG,
      spec: { ...IMAGE, network: 'lan', replicas: 2, cloud_init: '#cloud-config\nip: {{ static_ip }}\n' },
    });
    const nad = named(manifests, 'NetworkAttachmentDefinition', 'web-02-lan');
    expect(nad.apiVersion).toBe('k8s.cni.cncf.io/v1');
    expect(nad.metadata).toEqual({
      name: 'web-02-lan',
      namespace: 'vm-demo',
      labels: labelsOf('web-02'),
      annotations: { 'k8s.v1.cni.cncf.io/resourceName': 'bridge.network.kubevirt.io/br-lan' },
    });
    const cni = JSON.parse((nad.spec as { config: string }).config);
    expect(cni).toEqual({
      cniVersion: '0.3.1',
      name: 'web-02-lan',
      type: 'bridge',
      preserveDefaultVlan: false,
      bridge: 'br-lan',
      vlan: 100,
      macspoofchk: true,
      ipam: {
        type: 'static',
        addresses: [{ address: '10.215.100.102/24', gateway: '10.215.100.1' }],
        dns: { nameservers: ['10.215.100.53'] },
      },
    });
    expect(secretText(named(manifests, 'Secret', 'web-02-cloud-init'), 'userdata')).toBe(
      '#cloud-config\nip: 10.215.100.102/24\n',
    );
  });

  test('DHCP: one shared NAD with ipam {}, labelled shared, without name and spec labels', () => {
    const { manifests } = renderFor({ config: CATALOG, spec: { ...IMAGE, network: 'office', replicas: 3 } });
    const nads = ofKind(manifests, 'NetworkAttachmentDefinition');
    expect(nads.map((n) => n.metadata.name)).toEqual(['office']);
    expect(nads[0].metadata.labels).toEqual({
      'v-auto/managed': 'true',
      'v-auto/project': 'demo',
      'v-auto/shared': 'true',
    });
    expect(JSON.parse((nads[0].spec as { config: string }).config)).toEqual({
      cniVersion: '0.3.1',
      name: 'office',
      type: 'bridge',
      bridge: 'br-office',
      macspoofchk: true,
      ipam: {},
    });
    const vm = named(manifests, 'VirtualMachine', 'web-03') as any;
    expect(vm.spec.template.spec.networks).toEqual([{ name: 'office', multus: { networkName: 'office' } }]);
  });

  test('existing NAD: none created, the VM references it', () => {
    const { manifests } = renderFor({ config: CATALOG, spec: { ...IMAGE, network: 'corp' } });
    expect(ofKind(manifests, 'NetworkAttachmentDefinition')).toEqual([]);
    const vm = named(manifests, 'VirtualMachine', 'web-01') as any;
    expect(vm.spec.template.spec.networks).toEqual([{ name: 'corp', multus: { networkName: 'corp-net' } }]);
    expect(vm.spec.template.spec.domain.devices.interfaces).toEqual([
      { name: 'corp', macAddress: PLANNED_MAC, bridge: {} },
    ]);
  });

  test('pod network: masquerade, no NAD', () => {
    const { manifests } = renderFor({ config: CATALOG, spec: { ...IMAGE, network: 'pod' } });
    expect(ofKind(manifests, 'NetworkAttachmentDefinition')).toEqual([]);
    const vm = named(manifests, 'VirtualMachine', 'web-01') as any;
    expect(vm.spec.template.spec.domain.devices.interfaces).toEqual([
      { name: 'pod', macAddress: PLANNED_MAC, masquerade: {} },
    ]);
    expect(vm.spec.template.spec.networks).toEqual([{ name: 'pod', pod: {} }]);
  });
});

describe('Secret', () => {
  test('Opaque, base64 data with userdata and networkdata', () => {
    const { manifests } = renderFor({
      config: CATALOG,
      spec: { ...IMAGE, network: 'lan', network_data: 'version: 2\n# {{ interface_name }} {{ ip }}\n' },
    });
    const secret = named(manifests, 'Secret', 'web-01-cloud-init');
    expect(secret).toMatchObject({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: { namespace: 'vm-demo', labels: labelsOf('web-01') },
    });
    expect(Object.keys(secret.data as object)).toEqual(['userdata', 'networkdata']);
    expect(secret.stringData).toBeUndefined();
    expect(secretText(secret, 'userdata')).toBe('#cloud-config\nhostname: web-01\n');
    expect(secretText(secret, 'networkdata')).toBe('version: 2\n# enp1s0 10.215.100.101\n');
    const vm = named(manifests, 'VirtualMachine', 'web-01') as any;
    expect(vm.spec.template.spec.volumes[1]).toEqual({
      name: 'cloudinitdisk',
      cloudInitNoCloud: {
        secretRef: { name: 'web-01-cloud-init' },
        networkDataSecretRef: { name: 'web-01-cloud-init' },
      },
    });
  });

  test('without network_data: only userdata, no networkDataSecretRef', () => {
    const { manifests } = renderFor({});
    expect(Object.keys(named(manifests, 'Secret', 'web-01-cloud-init').data as object)).toEqual(['userdata']);
    expect(
      (named(manifests, 'VirtualMachine', 'web-01') as any).spec.template.spec.volumes[1].cloudInitNoCloud,
    ).toEqual({ secretRef: { name: 'web-01-cloud-init' } });
  });
});

describe('DataVolume', () => {
  const dvSpec = (spec: Record<string, unknown>, config?: Record<string, unknown>) =>
    (named(renderFor({ spec, config }).manifests, 'DataVolume', 'web-01-rootdisk') as any).spec;
  const storage = { resources: { requests: { storage: '50Gi' } } };

  test.each([
    [
      'image_url shorthand',
      { image_url: 'https://i.example.com/a.qcow2' },
      { source: { http: { url: 'https://i.example.com/a.qcow2' } } },
    ],
    [
      'url',
      { image: { url: 'http://i.example.com/a.qcow2' } },
      { source: { http: { url: 'http://i.example.com/a.qcow2' } } },
    ],
    [
      'url with secret and CA',
      { image: { url: 'https://i.example.com/a', secret_ref: 'creds', cert_configmap: 'ca' } },
      { source: { http: { url: 'https://i.example.com/a', secretRef: 'creds', certConfigMap: 'ca' } } },
    ],
    [
      'registry',
      { image: { registry: 'docker://quay.io/containerdisks/fedora:40' } },
      { source: { registry: { url: 'docker://quay.io/containerdisks/fedora:40' } } },
    ],
    [
      'registry with pull secret',
      { image: { registry: 'docker://q.example.com/x', secret_ref: 'pull' } },
      { source: { registry: { url: 'docker://q.example.com/x', secretRef: 'pull' } } },
    ],
    [
      'pvc with namespace',
      { image: { pvc: { namespace: 'golden', name: 'rhel9' } } },
      { source: { pvc: { namespace: 'golden', name: 'rhel9' } } },
    ],
    [
      'pvc without namespace: the VM namespace',
      { image: { pvc: { name: 'rhel9' } } },
      { source: { pvc: { namespace: 'vm-demo', name: 'rhel9' } } },
    ],
    [
      'datasource',
      { image: { datasource: { namespace: 'openshift-virtualization-os-images', name: 'rhel9' } } },
      { sourceRef: { kind: 'DataSource', name: 'rhel9', namespace: 'openshift-virtualization-os-images' } },
    ],
    [
      'datasource without namespace',
      { image: { datasource: { name: 'rhel9' } } },
      { sourceRef: { kind: 'DataSource', name: 'rhel9' } },
    ],
  ])('%s', (_name, spec, expected) => {
    expect(dvSpec(spec)).toEqual({ ...expected, storage });
  });

  test('storage_class, access_mode and volume_mode when given', () => {
    const spec = dvSpec({
      ...IMAGE,
      disk_size: '80Gi',
      storage_class: 'ocs-rbd',
      access_mode: 'ReadWriteMany',
      volume_mode: 'Block',
    });
    expect(spec.storage).toEqual({
      resources: { requests: { storage: '80Gi' } },
      storageClassName: 'ocs-rbd',
      accessModes: ['ReadWriteMany'],
      volumeMode: 'Block',
    });
  });

  test('metadata and labels', () => {
    const dv = named(renderFor({}).manifests, 'DataVolume', 'web-01-rootdisk');
    expect(dv).toMatchObject({
      apiVersion: 'cdi.kubevirt.io/v1beta1',
      metadata: { namespace: 'vm-demo', labels: labelsOf('web-01') },
    });
  });
});

describe('VirtualMachine', () => {
  const spec = {
    ...IMAGE,
    networks: ['lan', 'pod'],
    cpu: 4,
    memory: '16Gi',
    run_strategy: 'Halted',
    labels: { app: 'web' },
    annotations: { 'example.com/owner': 'ops' },
    node_selector: { zone: 'core' },
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          {
            weight: 1,
            podAffinityTerm: {
              topologyKey: 'kubernetes.io/hostname',
              labelSelector: { matchLabels: { app: 'web' } },
            },
          },
        ],
      },
    },
    tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' }],
  };

  test('every field from the settings', () => {
    const vm = named(renderFor({ config: CATALOG, spec }).manifests, 'VirtualMachine', 'web-01') as any;
    const labels = { app: 'web', ...labelsOf('web-01') };
    expect(vm.apiVersion).toBe('kubevirt.io/v1');
    expect(vm.metadata).toEqual({
      name: 'web-01',
      namespace: 'vm-demo',
      labels,
      annotations: { 'example.com/owner': 'ops' },
    });
    expect(vm.spec.runStrategy).toBe('Halted');
    expect(vm.spec.template.metadata.labels).toEqual(labels);
    const t = vm.spec.template.spec;
    expect(t.domain.cpu).toEqual({ cores: 4 });
    expect(t.domain.memory).toEqual({ guest: '16Gi' });
    expect(t.domain.devices.interfaces).toEqual([
      { name: 'lan', macAddress: PLANNED_MAC, bridge: {} },
      { name: 'pod', macAddress: PLANNED_MAC, masquerade: {} },
    ]);
    expect(t.networks).toEqual([
      { name: 'lan', multus: { networkName: 'web-01-lan' } },
      { name: 'pod', pod: {} },
    ]);
    expect(t.nodeSelector).toEqual({ zone: 'core' });
    expect(t.affinity).toEqual(spec.affinity);
    expect(t.tolerations).toEqual(spec.tolerations);
    expect(t.volumes[0]).toEqual({ name: 'rootdisk', dataVolume: { name: 'web-01-rootdisk' } });
  });

  test('no scheduling keys when none are set; runStrategy defaults to Always', () => {
    const vm = named(renderFor({}).manifests, 'VirtualMachine', 'web-01') as any;
    expect(vm.spec.runStrategy).toBe('Always');
    expect(Object.keys(vm.spec.template.spec).sort()).toEqual(['domain', 'networks', 'volumes']);
    expect(vm.metadata.annotations).toBeUndefined();
  });

  test('apply order: NADs, Secrets, DataVolumes, VirtualMachines', () => {
    const { manifests } = renderFor({
      config: CATALOG,
      spec: { ...IMAGE, networks: ['lan', 'office'], replicas: 2 },
    });
    expect(manifests.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([
      'NetworkAttachmentDefinition/office',
      'NetworkAttachmentDefinition/web-01-lan',
      'NetworkAttachmentDefinition/web-02-lan',
      'Secret/web-01-cloud-init',
      'Secret/web-02-cloud-init',
      'DataVolume/web-01-rootdisk',
      'DataVolume/web-02-rootdisk',
      'VirtualMachine/web-01',
      'VirtualMachine/web-02',
    ]);
    for (const m of manifests.filter((x) => x.metadata.name !== 'office')) {
      expect(m.metadata.labels).toEqual(labelsOf(m.metadata.name.replace(/-(lan|cloud-init|rootdisk)$/, '')));
    }
  });
});

describe('escaping: config values stay one string', () => {
  const NASTY = "a\"b\nc: {} d\n---\n# e {{ f }} \\ 'g'";

  test('in annotation values (label values are validated as Kubernetes label values first)', () => {
    const { manifests } = renderFor({
      spec: {
        ...IMAGE,
        labels: { app: 'web' },
        annotations: { 'example.com/note': NASTY },
        node_selector: { zone: 'core' },
      },
    });
    expect(manifests).toHaveLength(3);
    const vm = named(manifests, 'VirtualMachine', 'web-01') as any;
    expect(vm.metadata.labels.app).toBe('web');
    expect(vm.metadata.annotations).toEqual({ 'example.com/note': NASTY });
    expect(vm.spec.template.spec.nodeSelector).toEqual({ zone: 'core' });
    expect(Object.keys(vm.metadata.labels)).toEqual([
      'app',
      'v-auto/managed',
      'v-auto/project',
      'v-auto/spec',
      'v-auto/name',
    ]);
    expect(Object.keys(vm)).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
  });

  test('in an image URL, a bridge name, a storage class and affinity values', () => {
    const url = 'https://i.example.com/a.img?x="1"&y=}:{{z}}#---';
    const { manifests } = renderFor({
      config: { networks: { lan: { ...LAN, bridge: 'br"\n---\nx: {' } } },
      spec: {
        image: { url },
        network: 'lan',
        storage_class: 'sc\n---\nkind: Pod',
        affinity: {
          nodeAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              {
                weight: 1,
                preference: { matchExpressions: [{ key: NASTY, operator: 'In', values: [NASTY] }] },
              },
            ],
          },
        },
      },
    });
    expect(manifests).toHaveLength(4);
    const dv = named(manifests, 'DataVolume', 'web-01-rootdisk') as any;
    expect(dv.spec.source.http.url).toBe(url);
    expect(dv.spec.storage.storageClassName).toBe('sc\n---\nkind: Pod');
    const nad = named(manifests, 'NetworkAttachmentDefinition', 'web-01-lan') as any;
    expect(JSON.parse(nad.spec.config).bridge).toBe('br"\n---\nx: {');
    expect(nad.metadata.annotations['k8s.v1.cni.cncf.io/resourceName']).toBe(
      'bridge.network.kubevirt.io/br"\n---\nx: {',
    );
    expect((named(manifests, 'VirtualMachine', 'web-01') as any).spec.template.spec.affinity).toEqual({
      nodeAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 1, preference: { matchExpressions: [{ key: NASTY, operator: 'In', values: [NASTY] }] } },
        ],
      },
    });
  });

  test('a variable value is not re-read as a template and stays one YAML string in a cloud_init map', () => {
    const { manifests } = renderFor({
      spec: {
        ...IMAGE,
        motd: NASTY,
        cloud_init: { write_files: [{ path: '/etc/motd', content: '{{ motd }}' }] },
      },
    });
    const userdata = secretText(named(manifests, 'Secret', 'web-01-cloud-init'), 'userdata');
    const docs = parseAllDocuments(userdata);
    expect(docs).toHaveLength(1);
    expect(docs[0].toJS()).toEqual({ write_files: [{ path: '/etc/motd', content: NASTY }] });
  });
});

describe('site templates', () => {
  const site = (text: string) => ({ 'virtualmachine.yaml.hbs': text });
  const VM = 'apiVersion: kubevirt.io/v1\nkind: VirtualMachine\nmetadata:\n  name: {{json name}}\n';

  test('a site template replaces the built-in one', () => {
    const { manifests } = renderFor({}, { site: site(`${VM}  annotations: {site: "yes"}\n`) });
    expect(named(manifests, 'VirtualMachine', 'web-01').metadata).toEqual({
      name: 'web-01',
      annotations: { site: 'yes' },
    });
  });

  test.each([
    [
      'an unknown helper',
      `${VM}  x: {{shout name}}\n`,
      /^templates\/virtualmachine\.yaml\.hbs:5: unknown helper "shout"$/,
    ],
    [
      'a syntax error',
      `${VM}  x: {{#if name}}\n`,
      /^templates\/virtualmachine\.yaml\.hbs:6: template syntax error: Expecting .*got 'EOF'$/,
    ],
    [
      'an unknown variable',
      `${VM}  x: {{json nmae}}\n`,
      /^templates\/virtualmachine\.yaml\.hbs: unknown variable "nmae"$/,
    ],
    [
      'invalid YAML',
      `${VM}  labels: {{json labels}}\n   bad: [\n`,
      /^templates\/virtualmachine\.yaml\.hbs: rendered invalid YAML for web-01 \(rendered line 6: "bad: \["\): bad indentation of a mapping entry$/,
    ],
    [
      'YAML that is not an object',
      '- just\n- a list\n',
      /^templates\/virtualmachine\.yaml\.hbs: rendered for web-01 is not a Kubernetes object/,
    ],
  ])('%s is an exit-2 error naming the file', (_what, text, message) => {
    const err = errorOf(() => renderFor({}, { site: site(text) }));
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toMatch(message);
  });
});

test('a site template with a name no kind uses is an error, not silently ignored', () => {
  const err = errorOf(() => renderFor({}, { site: { 'vm.yaml.hbs': 'x: 1\n' } }));
  expect(err.exitCode).toBe(ExitCode.USAGE);
  expect(err.message).toBe('templates/vm.yaml.hbs: no resource kind uses this template');
});

describe('a site template v-auto would not use is an error, not ignored for the built-in one', () => {
  const load = (templates: Record<string, string>, folder?: string) => {
    const home = writeWorkspace(tempDir(), { specs: { web: IMAGE }, templates });
    if (folder) mkdirSync(path.join(home, 'templates', folder));
    return errorOf(() =>
      loadSpec({ home, project: 'demo', spec: 'web', sets: [] }, { toolRoot: repoRoot, env: {} }),
    );
  };
  test.each([
    ['virtualmachine.yml.hbs', 'virtualmachine.yaml.hbs'],
    ['virtualmachine.hbs', 'virtualmachine.yaml.hbs'],
    ['datavolume.yaml', 'datavolume.yaml.hbs'],
  ])('templates/%s: named, with the name it may have meant', (name, meant) => {
    const err = load({ [name]: 'x: 1\n' });
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toBe(`templates/${name}: no resource kind uses this template`);
    expect(err.hint).toBe(
      `did you mean ${meant}? Site templates replace built-in ones of the same name: nad.yaml.hbs, secret.yaml.hbs, datavolume.yaml.hbs, datasource.yaml.hbs, virtualmachine.yaml.hbs`,
    );
  });

  test('a folder named like a template', () => {
    const err = load({}, 'datavolume.yaml.hbs');
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toBe('templates/datavolume.yaml.hbs: is a folder, not a template');
  });

  test('hidden files (an editor swap file, .gitkeep) are not templates and are left alone', () => {
    const home = writeWorkspace(tempDir(), {
      specs: { web: IMAGE },
      templates: { '.gitkeep': '', '.virtualmachine.yaml.hbs.swp': 'x' },
    });
    expect(
      loadSpec({ home, project: 'demo', spec: 'web', sets: [] }, { toolRoot: repoRoot, env: {} }).templates
        .labels.virtualmachine,
    ).toBe('built-in templates/virtualmachine.yaml.hbs');
  });
});

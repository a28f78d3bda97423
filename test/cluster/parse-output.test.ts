// kubectl's apply/create/delete output mapped back to objects, with texts as kubectl 1.27 and 1.32 print them.
import { errorBlocks, parseResultLines, parseRun, reasonOf } from '../../lib/cluster/parse-output.js';
import type { ObjectOutcome, ObjectRef } from '../../lib/cluster/cluster-client.js';

const sent = [
  { kind: 'NetworkAttachmentDefinition', name: 'web-01-lan' },
  { kind: 'Secret', name: 'web-01-cloud-init' },
  { kind: 'DataVolume', name: 'web-01-rootdisk' },
  { kind: 'VirtualMachine', name: 'web-01' },
];

function outcomes(
  refs: ObjectRef[],
  stdout: string,
  stderr: string,
  exitCode = 1,
  deleting = false,
): ObjectOutcome[] {
  const parsed = parseRun(refs, { stdout, stderr, exitCode }, deleting);
  if (!('outcomes' in parsed)) throw new Error(`whole run failed: ${parsed.failedBeforeSending}`);
  return parsed.outcomes;
}

test.each([
  [
    'networkattachmentdefinition.k8s.cni.cncf.io/web-01-lan created',
    'NetworkAttachmentDefinition/web-01-lan',
    'created',
  ],
  ['secret/web-01-cloud-init unchanged', 'Secret/web-01-cloud-init', 'unchanged'],
  ['datavolume.cdi.kubevirt.io/web-01-rootdisk configured', 'DataVolume/web-01-rootdisk', 'configured'],
  ['virtualmachine.kubevirt.io "web-01" deleted', 'VirtualMachine/web-01', 'deleted'],
  ['persistentvolumeclaim "web-01-rootdisk" deleted', 'PersistentVolumeClaim/web-01-rootdisk', 'deleted'],
  ['namespace/vm-demo created', 'Namespace/vm-demo', 'created'],
])('%s', (line, key, verb) => {
  expect(parseResultLines(`${line}\n`).get(key)).toBe(verb);
});

test('a rejected object gets the server reason and its gist, the others their results', () => {
  const stdout =
    'networkattachmentdefinition.k8s.cni.cncf.io/web-01-lan unchanged\nsecret/web-01-cloud-init unchanged\nvirtualmachine.kubevirt.io/web-01 configured\n';
  const stderr = [
    'Error from server (BadRequest): error when applying patch:',
    '{"spec":{"storage":{"resources":{"requests":{"storage":"200Gi"}}}}}',
    'to:',
    'Resource: "cdi.kubevirt.io/v1beta1, Resource=datavolumes", GroupVersionKind: "cdi.kubevirt.io/v1beta1, Kind=DataVolume"',
    'Name: "web-01-rootdisk", Namespace: "vm-demo"',
    'for: "STDIN": error when patching "STDIN": admission webhook "datavolume-validate.cdi.kubevirt.io" denied the request:  Cannot update DataVolume Spec',
  ].join('\n');
  const all = outcomes(sent, stdout, stderr);
  expect(all.map((o) => o.result)).toEqual(['unchanged', 'unchanged', 'failed', 'configured']);
  expect(all[2]).toMatchObject({
    cause: 'immutable',
    reason:
      'admission webhook "datavolume-validate.cdi.kubevirt.io" denied the request:  Cannot update DataVolume Spec',
  });
});

test('a forbidden create names the object and what was denied', () => {
  const stderr =
    'Error from server (Forbidden): error when creating "STDIN": virtualmachines.kubevirt.io "web-01" is forbidden: User "dev" cannot create resource "virtualmachines" in API group "kubevirt.io" in the namespace "vm-demo"\n';
  const [vm] = outcomes([{ kind: 'VirtualMachine', name: 'web-01' }], '', stderr);
  expect(vm).toMatchObject({
    result: 'failed',
    cause: 'forbidden',
    denied: { verb: 'create', resource: 'virtualmachines', namespace: 'vm-demo' },
    reason:
      'virtualmachines.kubevirt.io "web-01" is forbidden: User "dev" cannot create resource "virtualmachines" in API group "kubevirt.io" in the namespace "vm-demo"',
  });
});

test('create: an object that exists by then is its own failure (cause exists), the rest of the call created', () => {
  // As kubectl 1.27 … 1.33 print it (create continues past a failed object).
  const stdout =
    'networkattachmentdefinition.k8s.cni.cncf.io/web-01-lan created\ndatavolume.cdi.kubevirt.io/web-01-rootdisk created\nvirtualmachine.kubevirt.io/web-01 created\n';
  const stderr =
    'Error from server (AlreadyExists): error when creating "STDIN": secrets "web-01-cloud-init" already exists\n';
  expect(outcomes(sent, stdout, stderr)).toEqual([
    { kind: 'NetworkAttachmentDefinition', name: 'web-01-lan', result: 'created' },
    {
      kind: 'Secret',
      name: 'web-01-cloud-init',
      result: 'failed',
      cause: 'exists',
      reason: 'secrets "web-01-cloud-init" already exists',
    },
    { kind: 'DataVolume', name: 'web-01-rootdisk', result: 'created' },
    { kind: 'VirtualMachine', name: 'web-01', result: 'created' },
  ]);
});

test('a field validation "Forbidden" is not an RBAC denial', () => {
  const stderr =
    'The VirtualMachine "web-01" is invalid: spec.running: Forbidden: running and runStrategy are mutually exclusive\n';
  const [vm] = outcomes([{ kind: 'VirtualMachine', name: 'web-01' }], '', stderr);
  expect(vm).toMatchObject({ result: 'failed', cause: 'other' });
});

test('warnings are not errors; an applied object nobody mentions failed, a deleted one was already gone', () => {
  const stderr =
    'Warning: resource secrets/web-01-cloud-init is missing the kubectl.kubernetes.io/last-applied-configuration annotation\n';
  expect(errorBlocks(stderr)).toEqual([]);
  expect(
    outcomes([{ kind: 'Secret', name: 'web-01-cloud-init' }], 'secret/other created\n', stderr, 0)[0],
  ).toMatchObject({ result: 'failed', reason: 'no result reported by the cluster' });
  const deleted = outcomes(
    [
      { kind: 'DataVolume', name: 'web-01-rootdisk' },
      { kind: 'PersistentVolumeClaim', name: 'web-01-rootdisk' },
    ],
    'datavolume.cdi.kubevirt.io "web-01-rootdisk" deleted\n',
    '',
    0,
    true,
  );
  expect(deleted.map((o) => o.result)).toEqual(['deleted', 'gone']);
});

test('reasonOf strips kubectl framing', () => {
  expect(
    reasonOf('Error from server (NotFound): error when creating "STDIN": namespaces "vm-x" not found'),
  ).toBe('namespaces "vm-x" not found');
});

// As kubectl 1.32.4 printed them against the simulator's failRequests fault (test/sim/faults.ts).
const failedGet = (name: string, reason: string, message: string) =>
  [
    `Error from server (${reason}): error when retrieving current configuration of:`,
    'Resource: "/v1, Resource=secrets", GroupVersionKind: "/v1, Kind=Secret"',
    `Name: "${name}", Namespace: "vm-demo"`,
    `from server for: "STDIN": ${message}`,
  ].join('\n');

test("apply's GET answered 429 or 503: that object has the server's words and cause server, the others their results", () => {
  const refs = [
    { kind: 'Secret', name: 'web-01-cloud-init' },
    { kind: 'Secret', name: 'web-02-cloud-init' },
    { kind: 'Secret', name: 'web-03-cloud-init' },
  ];
  const stderr = [
    failedGet(
      'web-01-cloud-init',
      'TooManyRequests',
      'the server has received too many requests and has asked us to try again later (get secrets web-01-cloud-init)',
    ),
    failedGet(
      'web-02-cloud-init',
      'ServiceUnavailable',
      'the server is currently unable to handle the request',
    ),
  ].join('\n');
  expect(outcomes(refs, 'secret/web-03-cloud-init configured\n', stderr)).toEqual([
    {
      ...refs[0],
      result: 'failed',
      cause: 'server',
      reason:
        'the server has received too many requests and has asked us to try again later (get secrets web-01-cloud-init)',
    },
    {
      ...refs[1],
      result: 'failed',
      cause: 'server',
      reason: 'the server is currently unable to handle the request',
    },
    { ...refs[2], result: 'configured' },
  ]);
});

test("a create's 500 names the stream, not the object: the object without a result has the server's words", () => {
  const refs = [
    { kind: 'Secret', name: 'a' },
    { kind: 'Secret', name: 'b' },
  ];
  const stderr =
    'Error from server (InternalError): error when creating "STDIN": Internal error occurred: etcdserver: leader changed\n';
  expect(outcomes(refs, 'secret/b created\n', stderr)).toEqual([
    {
      ...refs[0],
      result: 'failed',
      cause: 'server',
      reason: 'Internal error occurred: etcdserver: leader changed',
    },
    { ...refs[1], result: 'created' },
  ]);
});

test('two creates refused with stream-level errors: each object has its own, in stream order', () => {
  const refs = [
    { kind: 'Secret', name: 'a' },
    { kind: 'Secret', name: 'b' },
    { kind: 'Secret', name: 'c' },
  ];
  const stderr = [
    'Error from server (InternalError): error when creating "STDIN": Internal error occurred: etcdserver: leader changed',
    'Error from server (TooManyRequests): error when creating "STDIN": the server has received too many requests and has asked us to try again later',
  ].join('\n');
  const got = outcomes(refs, 'secret/b created\n', stderr);
  expect(got.map((o) => [o.name, o.result, o.reason])).toEqual([
    ['a', 'failed', 'Internal error occurred: etcdserver: leader changed'],
    ['b', 'created', undefined],
    ['c', 'failed', 'the server has received too many requests and has asked us to try again later'],
  ]);
});

test("an error naming no sent object (a missing namespace) is every object's reason, without kubectl framing", () => {
  const stderr = [
    'Error from server (NotFound): error when creating "STDIN": namespaces "vm-demo" not found',
    'Error from server (NotFound): error when creating "STDIN": namespaces "vm-demo" not found',
  ].join('\n');
  const all = outcomes(sent.slice(0, 2), '', stderr);
  expect(all.map((o) => [o.reason, o.cause])).toEqual([
    ['namespaces "vm-demo" not found', 'namespace-missing'],
    ['namespaces "vm-demo" not found', 'namespace-missing'],
  ]);
});

// As kubectl 1.32 printed them against the simulator (2026-12-07): a create of a Namespace and two
// objects in it, by a user who may not create namespaces, then once the namespace exists.
test('a Namespace at the head of a create keeps its own refusal; the objects after it say the namespace is missing', () => {
  const refs = [
    { kind: 'Namespace', name: 'vm-x' },
    { kind: 'Secret', name: 's1' },
    { kind: 'Secret', name: 's2' },
  ];
  const stderr = [
    'Error from server (Forbidden): error when creating "STDIN": namespaces is forbidden: User "sim-user" cannot create resource "namespaces" in API group "" at the cluster scope',
    'Error from server (NotFound): error when creating "STDIN": namespaces "vm-x" not found',
    'Error from server (NotFound): error when creating "STDIN": namespaces "vm-x" not found',
  ].join('\n');
  expect(outcomes(refs, '', stderr).map((o) => [o.kind, o.cause, o.reason])).toEqual([
    [
      'Namespace',
      'forbidden',
      'namespaces is forbidden: User "sim-user" cannot create resource "namespaces" in API group "" at the cluster scope',
    ],
    ['Secret', 'namespace-missing', 'namespaces "vm-x" not found'],
    ['Secret', 'namespace-missing', 'namespaces "vm-x" not found'],
  ]);
  const exists =
    'Error from server (AlreadyExists): error when creating "STDIN": namespaces "vm-x" already exists\n';
  const created = 'secret/s1 created\nsecret/s2 created\n';
  expect(outcomes(refs, created, exists).map((o) => [o.kind, o.result, o.cause])).toEqual([
    ['Namespace', 'failed', 'exists'],
    ['Secret', 'created', undefined],
    ['Secret', 'created', undefined],
  ]);
});

// RBAC refusals quote the namespace (`… in the namespace "vm-demo"`): with the Namespace at the
// head of the create they are still the objects' own, one each in stream order.
test("a Namespace at the head of a create does not take the objects' refusals that quote its name", () => {
  const forbidden = (resource: string, group: string) =>
    `Error from server (Forbidden): error when creating "STDIN": ${resource}.${group} is forbidden: User "dev" cannot create resource "${resource}" in API group "${group}" in the namespace "vm-demo"`;
  const refs = [
    { kind: 'Namespace', name: 'vm-demo' },
    { kind: 'Secret', name: 'web-01-cloudinit' },
    { kind: 'DataVolume', name: 'web-01-rootdisk' },
    { kind: 'VirtualMachine', name: 'web-01' },
  ];
  const stderr = [
    forbidden('datavolumes', 'cdi.kubevirt.io'),
    forbidden('virtualmachines', 'kubevirt.io'),
  ].join('\n');
  const got = outcomes(refs, 'namespace/vm-demo created\nsecret/web-01-cloudinit created\n', stderr);
  expect(got.map((o) => [o.kind, o.result, o.cause, o.reason])).toEqual([
    ['Namespace', 'created', undefined, undefined],
    ['Secret', 'created', undefined, undefined],
    [
      'DataVolume',
      'failed',
      'forbidden',
      forbidden('datavolumes', 'cdi.kubevirt.io').replace(/^.*?STDIN": /, ''),
    ],
    [
      'VirtualMachine',
      'failed',
      'forbidden',
      forbidden('virtualmachines', 'kubevirt.io').replace(/^.*?STDIN": /, ''),
    ],
  ]);
});

test.each([
  // kubectl 1.27 against a server without /openapi/v2: it stops before the first object.
  [
    'kubectl 1.27, OpenAPI missing',
    'Error from server (NotFound): the server could not find the requested resource\n',
    'the server could not find the requested resource',
  ],
  // kubectl 1.32 (cobra) and 1.27 for a flag the binary does not have.
  [
    'kubectl 1.32, unknown flag',
    "Error: unknown flag: --server-side-x\nSee 'kubectl apply --help' for usage.\n",
    'unknown flag: --server-side-x',
  ],
  [
    'kubectl 1.27, unknown flag',
    "error: unknown flag: --server-side-x\nSee 'kubectl apply --help' for usage.\n",
    'unknown flag: --server-side-x',
  ],
  [
    'client-side validation without a schema',
    'error: error validating "STDIN": error validating data: failed to download openapi: the server could not find the requested resource; if you choose to ignore these errors, turn validation off with --validate=false\n',
    'error validating "STDIN": error validating data: failed to download openapi: the server could not find the requested resource; if you choose to ignore these errors, turn validation off with --validate=false',
  ],
])(
  'a call that failed before sending anything (%s) is one failure, not one per object',
  (_label, stderr, reason) => {
    expect(parseRun(sent, { stdout: '', stderr, exitCode: 1 })).toEqual({ failedBeforeSending: reason });
  },
);

test('every object sent forbidden is still one outcome each (a redeploy sends only what changed), not a whole-run failure', () => {
  const denied = (name: string) =>
    `Error from server (Forbidden): error when applying patch:\n{"spec":{}}\nto:\nName: "${name}", Namespace: "vm-demo"\nfor: "STDIN": error when patching "STDIN": virtualmachines.kubevirt.io "${name}" is forbidden: User "dev" cannot patch resource "virtualmachines" in API group "kubevirt.io" in the namespace "vm-demo"`;
  const refs = [
    { kind: 'VirtualMachine', name: 'web-01' },
    { kind: 'VirtualMachine', name: 'web-02' },
  ];
  const all = outcomes(refs, '', `${denied('web-01')}\n${denied('web-02')}\n`);
  expect(all.map((o) => [o.name, o.cause, o.denied?.verb])).toEqual([
    ['web-01', 'forbidden', 'patch'],
    ['web-02', 'forbidden', 'patch'],
  ]);
});

// oc/kubectl error texts (as kubectl 1.32 prints them) mapped to exit-3 messages, or left to per-object reports.
import { accessError, firstErrorLine } from '../../lib/cluster/oc-errors.js';

const klog =
  'E1125 23:44:16.165967   28155 memcache.go:265] "Unhandled Error" err="couldn\'t get current server API group list: Get \\"https://api.example:6443/api?timeout=32s\\": dial tcp 10.0.0.1:6443: connect: connection refused"';

test.each([
  [
    'not logged in (get)',
    'error: You must be logged in to the server (the server has asked for the client to provide credentials)',
    'not logged in to the cluster (Unauthorized)',
    /oc login/,
  ],
  [
    'not logged in (apply)',
    'error: error validating "STDIN": error validating data: failed to download openapi: the server has asked for the client to provide credentials; if you choose to ignore these errors, turn validation off with --validate=false',
    'not logged in to the cluster (Unauthorized)',
    /oc login/,
  ],
  [
    'unreachable, after klog retries',
    `${klog}\n${klog}\nThe connection to the server api.example:6443 was refused - did you specify the right host or port?\nUnable to connect to the server: dial tcp 10.0.0.1:6443: connect: connection refused`,
    'cannot reach the cluster: The connection to the server api.example:6443 was refused - did you specify the right host or port?',
    /right host or port/,
  ],
  [
    'forbidden',
    'Error from server (Forbidden): virtualmachines.kubevirt.io is forbidden: User "dev" cannot list resource "virtualmachines" in API group "kubevirt.io" in the namespace "vm-demo"',
    'forbidden: dev cannot list virtualmachines in namespace vm-demo',
    /"list" on virtualmachines in vm-demo/,
  ],
  [
    'server error',
    'Error from server (InternalError): Internal error occurred: etcdserver: leader changed',
    'the cluster answered with a server error: Error from server (InternalError): Internal error occurred: etcdserver: leader changed',
    /try again/,
  ],
])('%s', (_label, stderr, message, hint) => {
  const err = accessError(stderr);
  expect(err?.exitCode).toBe(3);
  expect(err?.message).toBe(message);
  expect(err?.hint).toMatch(hint);
});

test('firstErrorLine skips warnings and klog chatter', () => {
  expect(firstErrorLine(`Warning: x\n${klog}\nerror: the real reason`)).toBe('the real reason');
});

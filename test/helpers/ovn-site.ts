// An OpenShift site with OVN-Kubernetes networks, in the simulator and a workspace: a localnet and a primary UDN.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import type { E2E } from './e2e.js';

/** A namespace selector on names, as openshift-docs' ClusterUserDefinedNetwork example writes it. */
const byName = (names: string[]) => ({
  matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: names }],
});

/**
 * The platform team's part: a localnet on physnet-office VLAN 20 and a primary layer2 UDN that keeps
 * addresses (ipam.lifecycle Persistent), both as ClusterUserDefinedNetworks selecting `namespaces`
 * (the CRD's shape: ovn-kubernetes/ovn-kubernetes@8871cd9c go-controller/pkg/crd/userdefinednetwork/v1).
 * `labelled` namespaces are created with the primary-network label, as a platform team would.
 */
export async function installOvnSite(e2e: E2E, namespaces: string[], labelled: string[]): Promise<void> {
  for (const ns of labelled)
    e2e.sim.put({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: ns,
        labels: { 'kubernetes.io/metadata.name': ns, 'k8s.ovn.org/primary-user-defined-network': '' },
      },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  e2e.sim.put({
    apiVersion: 'k8s.ovn.org/v1',
    kind: 'ClusterUserDefinedNetwork',
    metadata: { name: 'office' },
    spec: {
      namespaceSelector: byName(namespaces),
      network: {
        topology: 'Localnet',
        localnet: {
          role: 'Secondary',
          physicalNetworkName: 'physnet-office',
          vlan: { mode: 'Access', access: { id: 20 } },
          ipam: { mode: 'Disabled' },
        },
      },
    },
  });
  e2e.sim.put({
    apiVersion: 'k8s.ovn.org/v1',
    kind: 'ClusterUserDefinedNetwork',
    metadata: { name: 'tenant' },
    spec: {
      namespaceSelector: byName(namespaces),
      network: {
        topology: 'Layer2',
        layer2: { role: 'Primary', subnets: ['10.100.0.0/16'], ipam: { lifecycle: 'Persistent' } },
      },
    },
  });
  await e2e.sim.settle();
}

/** Project `ovn`: the catalog with both networks, spec `app` on both (2 instances), spec `solo` on the UDN alone in `soloNamespace`. */
export function writeOvnProject(e2e: E2E, namespace: string, soloNamespace: string): void {
  const dir = path.join(e2e.home, 'projects', 'ovn');
  mkdirSync(path.join(dir, 'specs'), { recursive: true });
  writeFileSync(
    path.join(dir, 'config.yaml'),
    stringify({
      namespace,
      disk_size: '10Gi',
      image: { url: 'http://mirror.example.internal/images/rhel-9.4-x86_64-kvm.qcow2' },
      networks: {
        office: {
          type: 'localnet',
          nad_name: 'office',
          physical_network: 'physnet-office',
          vlan: 20,
          ipam: { range: '192.168.20.0/24', gateway: '192.168.20.1', dns: ['192.168.20.53'] },
        },
        tenant: { type: 'udn', ipam: { range: '10.100.0.0/16', offset: 10 } },
      },
    }),
  );
  writeFileSync(
    path.join(dir, 'specs', 'app.yaml'),
    stringify({ replicas: 2, networks: ['tenant', 'office'] }),
  );
  writeFileSync(
    path.join(dir, 'specs', 'solo.yaml'),
    stringify({ namespace: soloNamespace, networks: [{ name: 'tenant', offset: 50 }] }),
  );
}

// The common instance types and preferences KubeVirt deploys cluster-wide, with the size each instance type gives.
//
// Source: kubevirt/common-instancetypes v1.4.1 (4493faeb399035b1a3e7641154768f36b249d90b), as bundled by
// KubeVirt v1.6.5 (kubevirt/kubevirt@a771b994a253581ec22276174c9dc179b6bdc306
// pkg/virt-operator/resource/generate/components/data/common-clusterinstancetypes-bundle.yaml and
// common-clusterpreferences-bundle.yaml; hack/common-instancetypes/default.sh pins the version).
// virt-operator creates them as VirtualMachineClusterInstancetype / VirtualMachineClusterPreference
// objects; an admin may delete or add some, so the cluster has the last word (deploy checks it).

/** `spec.cpu.guest` (vCPUs) and `spec.memory.guest` of each common cluster instance type. */
export const COMMON_INSTANCETYPES: Readonly<Record<string, readonly [cpu: number, memory: string]>> = {
  'cx1.2xlarge': [8, '16Gi'], 'cx1.2xlarge1gi': [8, '16Gi'], 'cx1.4xlarge': [16, '32Gi'], 'cx1.4xlarge1gi': [16, '32Gi'], 'cx1.8xlarge': [32, '64Gi'], 'cx1.8xlarge1gi': [32, '64Gi'],
  'cx1.large': [2, '4Gi'], 'cx1.large1gi': [2, '4Gi'], 'cx1.medium': [1, '2Gi'], 'cx1.medium1gi': [1, '2Gi'], 'cx1.xlarge': [4, '8Gi'], 'cx1.xlarge1gi': [4, '8Gi'],
  'm1.2xlarge': [8, '64Gi'], 'm1.2xlarge1gi': [8, '64Gi'], 'm1.4xlarge': [16, '128Gi'], 'm1.4xlarge1gi': [16, '128Gi'], 'm1.8xlarge': [32, '256Gi'], 'm1.8xlarge1gi': [32, '256Gi'],
  'm1.large': [2, '16Gi'], 'm1.large1gi': [2, '16Gi'], 'm1.xlarge': [4, '32Gi'], 'm1.xlarge1gi': [4, '32Gi'],
  'n1.2xlarge': [16, '32Gi'], 'n1.4xlarge': [32, '64Gi'], 'n1.8xlarge': [64, '128Gi'], 'n1.large': [4, '8Gi'], 'n1.medium': [4, '4Gi'], 'n1.xlarge': [8, '16Gi'],
  'o1.2xlarge': [8, '32Gi'], 'o1.4xlarge': [16, '64Gi'], 'o1.8xlarge': [32, '128Gi'], 'o1.large': [2, '8Gi'], 'o1.medium': [1, '4Gi'], 'o1.micro': [1, '1Gi'], 'o1.nano': [1, '512Mi'],
  'o1.small': [1, '2Gi'], 'o1.xlarge': [4, '16Gi'],
  'rt1.2xlarge': [8, '32Gi'], 'rt1.4xlarge': [16, '64Gi'], 'rt1.8xlarge': [32, '128Gi'], 'rt1.large': [2, '8Gi'], 'rt1.medium': [1, '4Gi'], 'rt1.micro': [1, '1Gi'], 'rt1.small': [1, '2Gi'],
  'rt1.xlarge': [4, '16Gi'],
  'u1.2xlarge': [8, '32Gi'], 'u1.2xmedium': [2, '4Gi'], 'u1.4xlarge': [16, '64Gi'], 'u1.8xlarge': [32, '128Gi'], 'u1.large': [2, '8Gi'], 'u1.medium': [1, '4Gi'], 'u1.micro': [1, '1Gi'],
  'u1.nano': [1, '512Mi'], 'u1.small': [1, '2Gi'], 'u1.xlarge': [4, '16Gi'],
};

/** Names of the common cluster preferences. */
export const COMMON_PREFERENCES: readonly string[] = [
  'alpine', 'centos.stream10', 'centos.stream10.desktop', 'centos.stream9', 'centos.stream9.desktop', 'centos.stream9.dpdk', 'cirros', 'debian', 'fedora', 'fedora.arm64',
  'fedora.s390x', 'legacy', 'linux', 'linux.efi', 'linux.virtiotransitional', 'opensuse.leap', 'opensuse.tumbleweed', 'oraclelinux', 'rhel.10', 'rhel.10.arm64', 'rhel.10.s390x',
  'rhel.7', 'rhel.7.desktop', 'rhel.8', 'rhel.8.desktop', 'rhel.8.dpdk', 'rhel.9', 'rhel.9.arm64', 'rhel.9.desktop', 'rhel.9.dpdk', 'rhel.9.realtime', 'rhel.9.s390x', 'sles',
  'ubuntu', 'windows.10', 'windows.10.virtio', 'windows.11', 'windows.11.virtio', 'windows.2k12', 'windows.2k12.virtio', 'windows.2k16', 'windows.2k16.virtio', 'windows.2k19',
  'windows.2k19.virtio', 'windows.2k22', 'windows.2k22.virtio', 'windows.2k25', 'windows.2k25.virtio', 'windows.2k3', 'windows.2k8', 'windows.2k8.virtio', 'windows.7',
  'windows.7.virtio', 'windows.xp',
];

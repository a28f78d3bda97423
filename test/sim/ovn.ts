// OVN-Kubernetes as v-auto meets it: user-defined networks and the NADs they generate, the namespace label rule, and the primary UDN's addresses.
//
// Read from ovn-kubernetes/ovn-kubernetes@8871cd9c (2026-08-21) and kubevirt/ipam-extensions@edb24dec:
// - go-controller/pkg/clustermanager/userdefinednetwork/template/net-attach-def-template.go
//   RenderNetAttachDefManifest, renderCNINetworkConfig: one NAD per selected namespace, named after the
//   (C)UDN, labelled k8s.ovn.org/user-defined-network, owned by it; its config as rendered below.
// - go-controller/pkg/clustermanager/userdefinednetwork/controller_helper.go updateNAD: a primary
//   network's NAD only in a namespace labelled k8s.ovn.org/primary-user-defined-network, and only one.
// - helm/.../rbac-ovnkube-cluster-manager.yaml: the ValidatingAdmissionPolicy that refuses adding or
//   removing that label on a namespace (the denial worded as kube-apiserver's validating policy
//   dispatcher words it: 422 Invalid, "... is forbidden: ValidatingAdmissionPolicy '…' with binding '…'
//   denied request: …").
// - kubevirt/ipam-extensions pkg/ipamclaimswebhook/podmutator.go, pkg/ips/primarynetwork.go: the VMI's
//   network.kubevirt.io/addresses request for its pod-network interface (only on a network with
//   allowPersistentIPs), held by an IPAMClaim named <vm>.<interface> for the VM's life.
// - go-controller/pkg/allocator/pod/pod_annotation.go, pkg/allocator/ip/allocator.go,
//   pkg/clustermanager/pod/allocator.go recordPodErrorEvent: a requested address outside the subnet or
//   already allocated fails the launcher pod with a Warning event ErrorAllocatingPod.
import { policyDenied } from './api-errors.js';
import type { Scheduler } from './controllers.js';
import { matchesLabels, type Requirement } from './selectors.js';
import type { Admission } from './server.js';
import type { Obj, ObjectStore } from './store.js';

const PRIMARY_LABEL = 'k8s.ovn.org/primary-user-defined-network';
const UDN_LABEL = 'k8s.ovn.org/user-defined-network';
const ADDRESSES = 'network.kubevirt.io/addresses';

/** A label selector object (matchLabels, matchExpressions) as requirements. */
function requirements(selector: Obj | undefined): Requirement[] {
  const reqs: Requirement[] = Object.entries(selector?.matchLabels ?? {}).map(([key, v]) => ({
    key,
    op: 'in' as const,
    values: [String(v)],
  }));
  for (const e of selector?.matchExpressions ?? []) {
    const op = String(e.operator).toLowerCase();
    if (op === 'in' || op === 'notin') reqs.push({ key: e.key, op, values: e.values ?? [] });
    else reqs.push({ key: e.key, op: op === 'exists' ? 'exists' : '!exists' });
  }
  return reqs;
}

/** The CNI config OVN-Kubernetes renders for a network spec (a UDN's spec, or a CUDN's spec.network). */
function netConf(networkName: string, nadName: string, spec: Obj): Obj {
  const topology = String(spec.topology ?? '').toLowerCase();
  const conf: Obj = {
    cniVersion: '1.0.0',
    type: 'ovn-k8s-cni-overlay',
    name: networkName,
    netAttachDefName: nadName,
    topology,
  };
  const cfg: Obj = spec[topology] ?? {};
  conf.role = String(cfg.role ?? '').toLowerCase();
  const join = (list: unknown) => (Array.isArray(list) ? list.join(',') : undefined);
  if (topology === 'localnet') {
    conf.mtu = cfg.mtu ?? 1500; // localnetMTU: the default MTU (1400) + 100
    if (cfg.subnets) conf.subnets = join(cfg.subnets);
    if (cfg.ipam?.lifecycle === 'Persistent') conf.allowPersistentIPs = true;
    conf.physicalNetworkName = cfg.physicalNetworkName;
    if (cfg.excludeSubnets) conf.excludeSubnets = join(cfg.excludeSubnets);
    if (cfg.vlan?.access?.id) conf.vlanID = cfg.vlan.access.id;
  } else {
    if (cfg.mtu) conf.mtu = cfg.mtu;
    if (conf.role === 'primary') conf.joinSubnet = join(cfg.joinSubnets) ?? '100.65.0.0/16,fd99::/64';
    if (topology === 'layer2' && conf.role === 'primary') conf.transitSubnet = '100.88.0.0/16';
    const subnets =
      topology === 'layer3'
        ? (cfg.subnets ?? []).map((s: Obj) => (s.hostSubnet ? `${s.cidr}/${s.hostSubnet}` : s.cidr)).join(',')
        : join(cfg.subnets);
    if (subnets) conf.subnets = subnets;
    if (cfg.ipam?.lifecycle === 'Persistent') conf.allowPersistentIPs = true;
  }
  return conf;
}

const ipValue = (ip: string) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
const ipText = (v: number) => [24, 16, 8, 0].map((s) => Math.floor(v / 2 ** s) % 256).join('.');
function ipv4Subnets(list: string | undefined): { cidr: string; first: number; last: number }[] {
  return (list ?? '')
    .split(',')
    .filter((c) => /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(c))
    .map((cidr) => {
      const [ip, bits] = cidr.split('/');
      const size = 2 ** (32 - Number(bits));
      const first = Math.floor(ipValue(ip) / size) * size;
      return { cidr, first, last: first + size - 1 };
    });
}

export interface OvnModel {
  /** The Namespace label rule. */
  admission: Admission;
  /**
   * The address OVN-Kubernetes gives a VMI's pod-network interface with the l2bridge binding on the
   * namespace's primary UDN, or the allocator's error; undefined when the namespace has no primary UDN.
   */
  primaryAddress(vmi: Obj, iface: Obj): { ip: string } | { error: string } | undefined;
}

/** Starts the user-defined network controller on `store`; returns the model the VM controllers ask. */
export function installOvn(store: ObjectStore, scheduler: Scheduler, stepMs: number): OvnModel {
  const reconcile = () => scheduler.schedule(stepMs, () => syncNads(store), 'ovn:udn');
  /** IPAMClaim `<ns>/<vm>.<interface>` → the address it holds, for the VM's life (persistent IPs). */
  const claims = new Map<string, string>();
  store.onChange((kind, type, obj) => {
    if (kind === 'ClusterUserDefinedNetwork' || kind === 'UserDefinedNetwork' || kind === 'Namespace')
      reconcile();
    if (kind === 'VirtualMachine' && type === 'DELETED') {
      const prefix = `${obj.metadata.namespace}/${obj.metadata.name}.`;
      for (const key of [...claims.keys()]) if (key.startsWith(prefix)) claims.delete(key);
    }
  });

  const primaryNad = (ns: string) =>
    store.list('NetworkAttachmentDefinition', ns).find((n) => parseConf(n).role === 'primary');

  return {
    admission: (rt, obj, old) => {
      if (rt.kind !== 'Namespace' || !old) return;
      const had = PRIMARY_LABEL in (old.metadata.labels ?? {});
      if (had !== PRIMARY_LABEL in (obj.metadata.labels ?? {}))
        throw policyDenied(
          rt,
          obj.metadata.name,
          'user-defined-networks-namespace-label',
          'user-defined-networks-namespace-label-binding',
          `The '${PRIMARY_LABEL}' label cannot be added/removed after the namespace was created`,
        );
    },

    primaryAddress(vmi, iface) {
      const ns = vmi.metadata.namespace;
      const nad = primaryNad(ns);
      if (!nad) return undefined;
      const conf = parseConf(nad);
      const subnets = ipv4Subnets(conf.subnets);
      const key = `${ns}/${vmi.metadata.name}.${iface.name}`;
      let requested: string | undefined;
      try {
        const asked = JSON.parse(vmi.metadata.annotations?.[ADDRESSES] ?? '{}')[iface.name];
        // ipam-extensions reads requests only on a network that keeps addresses.
        if (conf.allowPersistentIPs && Array.isArray(asked)) requested = asked[0];
      } catch {
        return { error: `failed to parse the ${ADDRESSES} annotation` };
      }
      const held = claims.get(key);
      const podDesc = `${ns}/${nad.metadata.name}/${ns}/virt-launcher-${vmi.metadata.name}`;
      const prefix = subnets[0]?.cidr.split('/')[1] ?? '32';
      if (held && requested && held !== requested)
        return {
          error: `cannot allocate a static IP request with IPAM for pod "${podDesc}": the pod references an ipam claim with IPs not containing the requested IP "${requested}/${prefix}"`,
        };
      if (held) return { ip: held };
      const taken = new Set(claims.values());
      let ip = requested;
      if (ip) {
        const v = ipValue(ip);
        if (!subnets.some((s) => v > s.first && v < s.last))
          return {
            error: `failed to ensure requested or annotated IPs [${ip}/${prefix}] for ${podDesc}: provided IP is not in the valid range. The range of valid IPs is ${subnets[0]?.cidr ?? 'none'}`,
          };
        if (taken.has(ip))
          return {
            error: `failed to ensure requested or annotated IPs [${ip}/${prefix}] for ${podDesc}: provided IP is already allocated`,
          };
      } else {
        // The first host addresses are the network's gateway and management port.
        for (const s of subnets)
          for (let v = s.first + 3; v < s.last && !ip; v++) if (!taken.has(ipText(v))) ip = ipText(v);
        if (!ip)
          return { error: `failed to assign pod addresses for ${podDesc}: subnet address pool exhausted` };
      }
      if (conf.allowPersistentIPs) claims.set(key, ip);
      return { ip };
    },
  };
}

function parseConf(nad: Obj): Obj {
  try {
    return JSON.parse(nad.spec?.config ?? '{}');
  } catch {
    return {};
  }
}

/** Every (C)UDN's NAD in every namespace it selects, and none elsewhere. */
function syncNads(store: ObjectStore): void {
  const namespaces = store.list('Namespace');
  const wanted = new Map<string, Obj>();
  const want = (owner: Obj, ns: Obj, spec: Obj, networkName: string) => {
    const name = ns.metadata.name;
    const primary = String(spec[String(spec.topology ?? '').toLowerCase()]?.role) === 'Primary';
    // updateNAD: no primary NAD in a namespace without the label.
    if (primary && !(PRIMARY_LABEL in (ns.metadata.labels ?? {}))) return;
    wanted.set(`${name}/${owner.metadata.name}`, {
      apiVersion: 'k8s.cni.cncf.io/v1',
      kind: 'NetworkAttachmentDefinition',
      metadata: {
        name: owner.metadata.name,
        namespace: name,
        labels: { [UDN_LABEL]: '' },
        ownerReferences: [
          {
            apiVersion: 'k8s.ovn.org/v1',
            kind: owner.kind,
            name: owner.metadata.name,
            uid: owner.metadata.uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: { config: JSON.stringify(netConf(networkName, `${name}/${owner.metadata.name}`, spec)) },
    });
  };
  for (const cudn of store.list('ClusterUserDefinedNetwork')) {
    const reqs = requirements(cudn.spec?.namespaceSelector);
    for (const ns of namespaces)
      if (matchesLabels(reqs, ns.metadata.labels))
        want(cudn, ns, cudn.spec?.network ?? {}, `cluster_udn_${cudn.metadata.name}`);
  }
  for (const udn of store.list('UserDefinedNetwork')) {
    const ns = namespaces.find((n) => n.metadata.name === udn.metadata.namespace);
    if (ns) want(udn, ns, udn.spec ?? {}, `${ns.metadata.name}_${udn.metadata.name}`);
  }
  for (const nad of store.list('NetworkAttachmentDefinition')) {
    if (!(UDN_LABEL in (nad.metadata.labels ?? {}))) continue;
    if (!wanted.has(`${nad.metadata.namespace}/${nad.metadata.name}`))
      store.delete('NetworkAttachmentDefinition', nad.metadata.namespace, nad.metadata.name);
  }
  for (const [key, nad] of wanted) {
    const [ns, name] = key.split('/');
    const cur = store.get('NetworkAttachmentDefinition', ns, name);
    if (!cur) {
      // One primary network per namespace (PrimaryNetAttachDefNotExist).
      const primary = parseConf(nad).role === 'primary';
      if (
        primary &&
        store.list('NetworkAttachmentDefinition', ns).some((n) => parseConf(n).role === 'primary')
      )
        continue;
      store.create(nad);
    } else if (cur.spec?.config !== nad.spec.config) store.update({ ...cur, spec: nad.spec });
  }
}

// /version and API discovery, in both the legacy per-group-version form and the aggregated (apidiscovery.k8s.io/v2) form kubectl 1.32 asks for first.
import { RESOURCES, groupVersions, type ResourceType } from './resources.js';

export const VERSION_INFO = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-sim',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-01-01T00:00:00Z',
  goVersion: 'go1.23.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export const AGGREGATED_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** True when the Accept header asks for the aggregated v2 form (kubectl lists it first, then plain JSON). */
export function wantsAggregated(accept: string | undefined): boolean {
  return (
    !!accept &&
    /as=APIGroupDiscoveryList/.test(accept) &&
    /g=apidiscovery\.k8s\.io;\s*v=v2(?!beta)/.test(accept.replace(/\s/g, ''))
  );
}

function legacyResource(r: ResourceType): Record<string, any> {
  const out: Record<string, any> = {
    name: r.resource,
    singularName: r.singular,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: r.verbs,
  };
  if (r.shortNames.length) out.shortNames = r.shortNames;
  if (r.categories.length) out.categories = r.categories;
  return out;
}

function statusSubresource(r: ResourceType): Record<string, any> {
  return {
    name: `${r.resource}/status`,
    singularName: '',
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: ['get', 'patch', 'update'],
  };
}

export function apiVersions(host: string): Record<string, any> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: host }],
  };
}

export function apiGroupList(): Record<string, any> {
  const groups = groupVersions()
    .filter((gv) => gv.group)
    .map((gv) => ({
      name: gv.group,
      versions: [{ groupVersion: `${gv.group}/${gv.version}`, version: gv.version }],
      preferredVersion: { groupVersion: `${gv.group}/${gv.version}`, version: gv.version },
    }));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

export function apiResourceList(group: string, version: string): Record<string, any> | undefined {
  const rs = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (!rs.length) return undefined;
  const resources: Record<string, any>[] = [];
  for (const r of rs) {
    resources.push(legacyResource(r));
    if (r.hasStatus) resources.push(statusSubresource(r));
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources,
  };
}

function aggregatedResource(r: ResourceType): Record<string, any> {
  const out: Record<string, any> = {
    resource: r.resource,
    responseKind: { group: r.group, version: r.version, kind: r.kind },
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: r.verbs,
  };
  if (r.shortNames.length) out.shortNames = r.shortNames;
  if (r.categories.length) out.categories = r.categories;
  if (r.hasStatus)
    out.subresources = [
      {
        subresource: 'status',
        responseKind: { group: r.group, version: r.version, kind: r.kind },
        verbs: ['get', 'patch', 'update'],
      },
    ];
  return out;
}

/** Aggregated discovery: `/api` holds the core group only, `/apis` every named group. */
export function aggregatedDiscovery(core: boolean): Record<string, any> {
  const items = groupVersions()
    .filter((gv) => (core ? !gv.group : !!gv.group))
    .map((gv) => ({
      metadata: gv.group ? { name: gv.group, creationTimestamp: null } : { creationTimestamp: null },
      versions: [
        {
          version: gv.version,
          resources: RESOURCES.filter((r) => r.group === gv.group && r.version === gv.version).map(
            aggregatedResource,
          ),
          freshness: 'Current',
        },
      ],
    }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}

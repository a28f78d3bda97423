// Minimal OpenAPI v3 documents: enough for kubectl to see that the server does field validation itself (the fieldValidation query parameter on PATCH).
import { createHash } from 'node:crypto';
import { RESOURCES, groupVersions } from './resources.js';

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

function schemaName(group: string, version: string, kind: string): string {
  // Same naming as the real server: reversed group domain, e.g. io.kubevirt.v1.VirtualMachine.
  const g = group ? group.split('.').reverse().join('.') : 'io.k8s.api.core';
  return `${g}.${version}.${kind}`;
}

const QUERY_PARAMS = ['dryRun', 'fieldManager', 'fieldValidation', 'force', 'pretty'].map((name) => ({
  name,
  in: 'query',
  description: name === 'fieldValidation' ? 'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: Ignore, Warn, Strict.' : name,
  schema: { type: name === 'force' ? 'boolean' : 'string', uniqueItems: true },
}));

/** The per-group-version document, as served under /openapi/v3/apis/<group>/<version>. */
export function groupVersionDocument(group: string, version: string): Record<string, any> | undefined {
  const rs = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (!rs.length) return undefined;
  const paths: Record<string, any> = {};
  const schemas: Record<string, any> = {};
  for (const r of rs) {
    const gvk = { group: r.group, version: r.version, kind: r.kind };
    const ref = { $ref: `#/components/schemas/${schemaName(group, version, r.kind)}` };
    const item = r.namespaced ? `/${gvPath(group, version)}/namespaces/{namespace}/${r.resource}/{name}` : `/${gvPath(group, version)}/${r.resource}/{name}`;
    // Core kinds are in kubectl's own scheme, so it computes strategic merge patches from its structs; declaring only
    // merge and JSON patch here keeps it from trying a schema-driven strategic merge with these stub schemas.
    const content = Object.fromEntries(['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'].map((ct) => [ct, { schema: { type: 'object' } }]));
    paths[item] = {
      get: { operationId: `read${r.kind}`, responses: { '200': { description: 'OK', content: { 'application/json': { schema: ref } } } }, 'x-kubernetes-action': 'get', 'x-kubernetes-group-version-kind': gvk },
      put: { operationId: `replace${r.kind}`, parameters: QUERY_PARAMS, requestBody: { content: { '*/*': { schema: ref } } }, responses: { '200': { description: 'OK' } }, 'x-kubernetes-action': 'put', 'x-kubernetes-group-version-kind': gvk },
      patch: { operationId: `patch${r.kind}`, parameters: QUERY_PARAMS, requestBody: { content }, responses: { '200': { description: 'OK' } }, 'x-kubernetes-action': 'patch', 'x-kubernetes-group-version-kind': gvk },
      delete: { operationId: `delete${r.kind}`, responses: { '200': { description: 'OK' } }, 'x-kubernetes-action': 'delete', 'x-kubernetes-group-version-kind': gvk },
      parameters: [
        { name: 'name', in: 'path', required: true, schema: { type: 'string', uniqueItems: true } },
        ...(r.namespaced ? [{ name: 'namespace', in: 'path', required: true, schema: { type: 'string', uniqueItems: true } }] : []),
      ],
    };
    schemas[schemaName(group, version, r.kind)] = { type: 'object', 'x-kubernetes-group-version-kind': [gvk] };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths, components: { schemas } };
}

const hashes = new Map<string, string>();
function hashOf(group: string, version: string): string {
  const key = `${group}/${version}`;
  if (!hashes.has(key)) hashes.set(key, createHash('sha512').update(JSON.stringify(groupVersionDocument(group, version))).digest('hex').slice(0, 128).toUpperCase());
  return hashes.get(key)!;
}

/** The /openapi/v3 index: one entry per group-version, addressed by content hash like a real server. */
export function openapiIndex(): Record<string, any> {
  const paths: Record<string, any> = {};
  for (const gv of groupVersions()) {
    const p = gvPath(gv.group, gv.version);
    paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hashOf(gv.group, gv.version)}` };
  }
  return { paths };
}

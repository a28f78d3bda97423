// Minimal OpenAPI documents: v3 per group-version, enough for kubectl to see that the server does field
// validation itself (the fieldValidation query parameter on PATCH), and an all but empty v2 for kubectl ≤ 1.28.
import { createHash } from 'node:crypto';
import { lengthDelimited } from './protobuf.js';
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
  description:
    name === 'fieldValidation'
      ? 'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: Ignore, Warn, Strict.'
      : name,
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
    const item = r.namespaced
      ? `/${gvPath(group, version)}/namespaces/{namespace}/${r.resource}/{name}`
      : `/${gvPath(group, version)}/${r.resource}/{name}`;
    // Core kinds are in kubectl's own scheme, so it computes strategic merge patches from its structs; declaring only
    // merge and JSON patch here keeps it from trying a schema-driven strategic merge with these stub schemas.
    const content = Object.fromEntries(
      ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'].map(
        (ct) => [ct, { schema: { type: 'object' } }],
      ),
    );
    paths[item] = {
      get: {
        operationId: `read${r.kind}`,
        responses: { '200': { description: 'OK', content: { 'application/json': { schema: ref } } } },
        'x-kubernetes-action': 'get',
        'x-kubernetes-group-version-kind': gvk,
      },
      put: {
        operationId: `replace${r.kind}`,
        parameters: QUERY_PARAMS,
        requestBody: { content: { '*/*': { schema: ref } } },
        responses: { '200': { description: 'OK' } },
        'x-kubernetes-action': 'put',
        'x-kubernetes-group-version-kind': gvk,
      },
      patch: {
        operationId: `patch${r.kind}`,
        parameters: QUERY_PARAMS,
        requestBody: { content },
        responses: { '200': { description: 'OK' } },
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': gvk,
      },
      delete: {
        operationId: `delete${r.kind}`,
        responses: { '200': { description: 'OK' } },
        'x-kubernetes-action': 'delete',
        'x-kubernetes-group-version-kind': gvk,
      },
      parameters: [
        { name: 'name', in: 'path', required: true, schema: { type: 'string', uniqueItems: true } },
        ...(r.namespaced
          ? [{ name: 'namespace', in: 'path', required: true, schema: { type: 'string', uniqueItems: true } }]
          : []),
      ],
    };
    schemas[schemaName(group, version, r.kind)] = {
      type: 'object',
      'x-kubernetes-group-version-kind': [gvk],
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths,
    components: { schemas },
  };
}

const hashes = new Map<string, string>();
function hashOf(group: string, version: string): string {
  const key = `${group}/${version}`;
  if (!hashes.has(key))
    hashes.set(
      key,
      createHash('sha512')
        .update(JSON.stringify(groupVersionDocument(group, version)))
        .digest('hex')
        .slice(0, 128)
        .toUpperCase(),
    );
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

const V2_DOCUMENT = { swagger: '2.0', info: { title: 'Kubernetes', version: 'v1.32.0' } };

/**
 * The /openapi/v2 answer for an Accept header, as kube-openapi's handler negotiates it: the first clause
 * naming JSON or either spelling of the protobuf type wins, and the protobuf answer is labelled with the
 * dotted spelling, because `@` is no valid media-type character and client-go's mime.ParseMediaType rejects
 * it (kubernetes/kube-openapi pkg/handler/handler.go `RegisterOpenAPIVersionedService`
 * @ 08e16a6ee8465dc7b8aa9ebf81cb9b221ff5e963). Nothing acceptable: undefined, a 406. q-values are not weighed.
 *
 * The document holds `swagger` and `info` only, no paths and no definitions. Why that is enough: kubectl 1.27
 * and 1.28 build the validator of `apply --validate=strict` by fetching and parsing /openapi/v2 before reading
 * any object (`factoryImpl.Validator` calls `f.OpenAPISchema()` first: kubernetes/kubernetes
 * staging/src/k8s.io/kubectl/pkg/cmd/util/factory_client_access.go @ c91999aea60342810529a9826b8f4d36901eb537),
 * so a 404 there fails the whole apply. They ask with `Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf`
 * alone and put the body straight into `proto.Unmarshal` for gnostic's `openapi_v2.Document` (client-go
 * staging/src/k8s.io/client-go/discovery/discovery_client.go `OpenAPISchemaWithContext`
 * @ 025b844bcabe0212c4dd56395ee18481602d7c65), so it must be protobuf: JSON does not decode. Once parsed, the
 * document serves two purposes, neither of which needs a schema here:
 * - client-side validation, skipped when the fieldValidation verifier finds the parameter in /openapi/v3 (the
 *   same Validator tries `NewQueryParamVerifierV3` before the v2 one), which the v3 documents above declare;
 *   a kind without a definition is not validated on the client anyway;
 * - strategic-merge-patch metadata, looked up per kind with `LookupResource`: with no definition kubectl falls
 *   back to its compiled-in types for core kinds and to a JSON merge patch for custom resources
 *   (staging/src/k8s.io/kubectl/pkg/cmd/apply/patcher.go @ 96a58e4b8a59fab0b3735b1ae0cf92eeab6fc49c), which is
 *   what kubectl 1.29 and later do against this simulator too.
 * Field numbers from gnostic's openapiv2/OpenAPIv2.proto (google/gnostic @ 96635ff3a800e184f8b2f7bf9b3b765d0fa071cd):
 * Document.swagger = 1, Document.info = 2; Info.title = 1, Info.version = 2.
 */
export function openapiV2(accept: string | undefined): { contentType: string; body: Buffer } | undefined {
  for (const clause of (accept || '*/*').split(',')) {
    const type = clause.split(';')[0].trim();
    if (type === 'application/json' || type === 'application/*' || type === '*/*') {
      return { contentType: 'application/json', body: Buffer.from(JSON.stringify(V2_DOCUMENT)) };
    }
    if (
      type === 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' ||
      type === 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf'
    ) {
      const info = Buffer.concat([
        lengthDelimited(1, V2_DOCUMENT.info.title),
        lengthDelimited(2, V2_DOCUMENT.info.version),
      ]);
      return {
        contentType: 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf',
        body: Buffer.concat([lengthDelimited(1, V2_DOCUMENT.swagger), lengthDelimited(2, info)]),
      };
    }
  }
  return undefined;
}

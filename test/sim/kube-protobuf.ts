// Request bodies in Kubernetes' protobuf encoding, as kubectl's typed commands (`create namespace`) and Helm's
// release storage send them: decoded into the JSON form for Namespace, Secret and DeleteOptions only.
//
// The envelope (kubernetes/apimachinery @ eed236ceee2c19c2753a3d93ac0631dc20750454):
// - pkg/runtime/serializer/protobuf/protobuf.go: the body starts with the magic `k8s\0` (0x6b 0x38 0x73 0x00),
//   and the rest is one runtime.Unknown message;
// - pkg/runtime/generated.proto: Unknown { TypeMeta typeMeta = 1; bytes raw = 2; string contentEncoding = 3;
//   string contentType = 4 }, TypeMeta { string apiVersion = 1; string kind = 2 }; `raw` is the typed object.
// Field numbers of the objects:
// - pkg/apis/meta/v1/generated.proto (same commit): ObjectMeta { name = 1, generateName = 2, namespace = 3,
//   uid = 5, resourceVersion = 6, labels = 11, annotations = 12, ownerReferences = 13, finalizers = 14 };
//   OwnerReference { kind = 1, name = 3, uid = 4, apiVersion = 5, controller = 6, blockOwnerDeletion = 7 };
//   DeleteOptions { gracePeriodSeconds = 1, preconditions = 2, orphanDependents = 3, propagationPolicy = 4,
//   dryRun = 5 }; Preconditions { uid = 1, resourceVersion = 2 }. A map<K,V> is a repeated entry { key = 1; value = 2 }.
// - core/v1/generated.proto (kubernetes/api @ 10b39a39bcee995dfe7cd5e8e7b922be5e46f1e2): Secret { metadata = 1,
//   data = 2 (map<string, bytes>), type = 3, stringData = 4, immutable = 5 }; Namespace { metadata = 1, spec = 2,
//   status = 3 }; NamespaceSpec { repeated string finalizers = 1 }.
// Server-owned fields (creationTimestamp, generation, managedFields, Namespace status) are not read: the
// simulator sets them itself, as it does for JSON bodies.
//
// Responses stay JSON: client-go picks the decoder from the response's Content-Type, not from what it asked
// for (kubernetes/client-go rest/request.go `transformResponse` @ 32ce75a7d6bc6960fd048d3d1e3b34185418d8c8),
// and its scheme decodes JSON; kubectl and Helm list JSON (`*/*`) after protobuf in Accept anyway.
import { readFields, WireError, type WireField } from './protobuf.js';
import type { Obj } from './store.js';

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';
/** The kinds whose protobuf bodies are decoded here; any other is a 415. */
export const PROTOBUF_KINDS = ['Namespace', 'Secret'];

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

export class ProtobufBodyError extends Error {}

const bytesOf = (fs: WireField[], no: number): Buffer[] =>
  fs.filter((f) => f.no === no && 'bytes' in f).map((f) => (f as { bytes: Buffer }).bytes);
const text = (fs: WireField[], no: number): string | undefined => {
  const all = bytesOf(fs, no);
  return all.length ? all[all.length - 1].toString('utf8') : undefined;
};
const texts = (fs: WireField[], no: number): string[] => bytesOf(fs, no).map((b) => b.toString('utf8'));
const flag = (fs: WireField[], no: number): boolean | undefined => {
  const v = fs.filter((f) => f.no === no && 'varint' in f);
  return v.length ? (v[v.length - 1] as { varint: number }).varint !== 0 : undefined;
};
const message = (fs: WireField[], no: number): WireField[] | undefined => {
  const all = bytesOf(fs, no);
  return all.length ? readFields(all[all.length - 1]) : undefined;
};

function map(fs: WireField[], no: number, value: (b: Buffer) => string): Record<string, string> | undefined {
  const entries = bytesOf(fs, no).map(readFields);
  if (!entries.length) return undefined;
  return Object.fromEntries(
    entries.map((e) => [text(e, 1) ?? '', value(bytesOf(e, 2)[0] ?? Buffer.alloc(0))]),
  );
}

/** Drops absent and empty fields: Go's generated marshallers write every non-pointer string, even empty, where JSON omits it. */
function withDefined(o: Obj): Obj {
  for (const k of Object.keys(o)) if (o[k] === undefined || o[k] === '') delete o[k];
  return o;
}

function objectMeta(fs: WireField[] | undefined): Obj {
  if (!fs) return {};
  const owners = bytesOf(fs, 13).map((b) => {
    const r = readFields(b);
    return withDefined({
      apiVersion: text(r, 5),
      kind: text(r, 1),
      name: text(r, 3),
      uid: text(r, 4),
      controller: flag(r, 6),
      blockOwnerDeletion: flag(r, 7),
    });
  });
  const utf8 = (b: Buffer): string => b.toString('utf8');
  return withDefined({
    name: text(fs, 1),
    generateName: text(fs, 2),
    namespace: text(fs, 3),
    uid: text(fs, 5),
    resourceVersion: text(fs, 6),
    labels: map(fs, 11, utf8),
    annotations: map(fs, 12, utf8),
    ownerReferences: owners.length ? owners : undefined,
    finalizers: texts(fs, 14).length ? texts(fs, 14) : undefined,
  });
}

const DECODERS: Record<string, (fs: WireField[]) => Obj> = {
  Secret: (fs) =>
    withDefined({
      metadata: objectMeta(message(fs, 1)),
      data: map(fs, 2, (b) => b.toString('base64')),
      type: text(fs, 3),
      stringData: map(fs, 4, (b) => b.toString('utf8')),
      immutable: flag(fs, 5),
    }),
  Namespace: (fs) => {
    const spec = message(fs, 2);
    return withDefined({
      metadata: objectMeta(message(fs, 1)),
      spec: spec
        ? withDefined({ finalizers: texts(spec, 1).length ? texts(spec, 1) : undefined })
        : undefined,
    });
  },
  DeleteOptions: (fs) => {
    const pre = message(fs, 2);
    return withDefined({
      preconditions: pre ? withDefined({ uid: text(pre, 1), resourceVersion: text(pre, 2) }) : undefined,
      orphanDependents: flag(fs, 3),
      propagationPolicy: text(fs, 4),
      dryRun: texts(fs, 5).length ? texts(fs, 5) : undefined,
    });
  },
};

/**
 * The object a protobuf request body holds, in its JSON form, when it is one of `expected` (and decoded here);
 * undefined when it is another kind, which the caller answers with 415. Throws ProtobufBodyError for a body
 * that is not Kubernetes protobuf at all.
 */
export function decodeProtobuf(body: Buffer, expected: string[]): Obj | undefined {
  if (body.length <= MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new ProtobufBodyError(
      `provided data does not appear to be a protobuf message, expected prefix [${[...MAGIC].join(' ')}]`,
    );
  }
  try {
    const unknown = readFields(body.subarray(MAGIC.length));
    const typeMeta = message(unknown, 1) ?? [];
    const kind = text(typeMeta, 2) ?? '';
    const encoding = text(unknown, 3);
    if (!expected.includes(kind) || !DECODERS[kind] || encoding) return undefined;
    const obj = DECODERS[kind](readFields(bytesOf(unknown, 2)[0] ?? Buffer.alloc(0)));
    return { apiVersion: text(typeMeta, 1), kind, ...obj };
  } catch (err) {
    if (err instanceof WireError) throw new ProtobufBodyError(`proto: ${err.message}`);
    throw err;
  }
}

// Builders for the metav1.Status error bodies a real API server returns, so kubectl prints its usual messages.
import { qualifiedKind, qualifiedResource, type ResourceType } from './resources.js';
import type { StatusCause } from './validation.js';

/** An error the HTTP layer turns into a Status response with this code. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly status: Record<string, any>,
  ) {
    super(status.message);
  }
}

function status(code: number, reason: string, message: string, details?: Record<string, any>): ApiError {
  const body: Record<string, any> = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    code,
  };
  if (reason) body.reason = reason;
  if (details) body.details = details;
  return new ApiError(code, body);
}

export function notFound(rt: ResourceType, name: string): ApiError {
  return status(404, 'NotFound', `${qualifiedResource(rt)} "${name}" not found`, {
    name,
    group: rt.group || undefined,
    kind: rt.resource,
  });
}

export function namespaceNotFound(ns: string): ApiError {
  return status(404, 'NotFound', `namespaces "${ns}" not found`, { name: ns, kind: 'namespaces' });
}

export function pathNotFound(): ApiError {
  return status(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function alreadyExists(rt: ResourceType, name: string): ApiError {
  return status(409, 'AlreadyExists', `${qualifiedResource(rt)} "${name}" already exists`, {
    name,
    group: rt.group || undefined,
    kind: rt.resource,
  });
}

export function conflict(rt: ResourceType, name: string): ApiError {
  return status(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(rt)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, group: rt.group || undefined, kind: rt.resource },
  );
}

/** 410 Gone, reason Expired: a watch or list continuation from a resourceVersion the server no longer holds. */
export function expired(message: string): ApiError {
  return status(410, 'Expired', message);
}

export function badRequest(message: string): ApiError {
  return status(400, 'BadRequest', message);
}

/** 422 Invalid with one cause per field, worded like apimachinery's field.ErrorList. */
export function invalid(rt: ResourceType, name: string, causes: StatusCause[]): ApiError {
  const parts = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const joined = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  return status(422, 'Invalid', `${qualifiedKind(rt)} "${name}" is invalid: ${joined}`, {
    name,
    group: rt.group || undefined,
    kind: rt.kind,
    causes,
  });
}

/** Strict field validation failure of a custom resource: the decoder's wording, 400 BadRequest. */
export function strictDecoding(rt: ResourceType, unknownFields: string[]): ApiError {
  const list = unknownFields.map((f) => `unknown field "${f}"`).join(', ');
  return status(
    400,
    'BadRequest',
    `${rt.kind} in version "${rt.version}" cannot be handled as a ${rt.kind}: strict decoding error: ${list}`,
  );
}

/**
 * A validating webhook denial: the apiserver prefixes the webhook's message and keeps its code.
 * CDI answers 422 with no reason and a message that starts with a space, hence the double space.
 */
export function webhookDenied(
  webhook: string,
  message: string,
  code = 422,
  causes: StatusCause[] = [],
  reason = '',
): ApiError {
  return status(
    code,
    reason,
    `admission webhook "${webhook}" denied the request: ${message}`,
    causes.length ? { causes } : undefined,
  );
}

/**
 * A ValidatingAdmissionPolicy's denial, as kube-apiserver's policy dispatcher words it: the reason
 * defaults to Invalid (422), and the message is admission.NewForbidden's
 * (kubernetes/kubernetes staging/src/k8s.io/apiserver/pkg/admission/plugin/policy/validating/dispatcher.go).
 */
export function policyDenied(
  rt: ResourceType,
  name: string,
  policy: string,
  binding: string,
  message: string,
): ApiError {
  const cause = `ValidatingAdmissionPolicy '${policy}' with binding '${binding}' denied request: ${message}`;
  return status(422, 'Invalid', `${qualifiedResource(rt)} "${name}" is forbidden: ${cause}`, {
    name,
    group: rt.group || undefined,
    kind: rt.resource,
    causes: [{ message: cause }],
  });
}

export function unauthorized(): ApiError {
  return status(401, 'Unauthorized', 'Unauthorized');
}

export function forbidden(
  rt: ResourceType,
  verb: string,
  name: string | undefined,
  ns: string | undefined,
  user: string,
): ApiError {
  const subject = name ? `${qualifiedResource(rt)} "${name}"` : qualifiedResource(rt);
  const scope = ns ? ` in the namespace "${ns}"` : ' at the cluster scope';
  return status(
    403,
    'Forbidden',
    `${subject} is forbidden: User "${user}" cannot ${verb} resource "${rt.resource}" in API group "${rt.group}"${scope}`,
    { name, group: rt.group || undefined, kind: rt.resource },
  );
}

export function internalError(message: string): ApiError {
  return status(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
}

/**
 * 504 Timeout, as the API server's finisher answers a request whose context expired
 * (kubernetes/kubernetes@11d24f075cd5698ca8f09e92ac47cdbf253342ef
 * staging/src/k8s.io/apiserver/pkg/endpoints/handlers/finisher/finisher.go, asyncFinisher;
 * NewTimeoutError prefixes `Timeout: `).
 */
export function timeout(): ApiError {
  return status(
    504,
    'Timeout',
    'Timeout: request did not complete within requested timeout - context deadline exceeded',
    {},
  );
}

export function serviceUnavailable(): ApiError {
  return status(503, 'ServiceUnavailable', 'the server is currently unable to handle the request', {});
}

export function methodNotAllowed(): ApiError {
  return status(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
    {},
  );
}

const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/apply-patch+yaml',
];

/** 415, worded as the apiserver's negotiation error; `accepted` defaults to the patch types. */
export function unsupportedMediaType(ct: string, accepted: string[] = PATCH_TYPES, note = ''): ApiError {
  return status(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}; got ${ct}${note}`,
  );
}

// KubeVirt's start subresource (PUT subresources.kubevirt.io/v1 …/virtualmachines/NAME/start) as virt-api answers it.
import { ApiError } from './api-errors.js';
import { deepClone, type Obj, type ObjectStore } from './store.js';

const START_PATH =
  /^\/apis\/subresources\.kubevirt\.io\/v1\/namespaces\/([^/]+)\/virtualmachines\/([^/]+)\/start$/;

/** The namespace and VM name of a start request's path, or undefined for any other path. */
export function startTarget(path: string): { namespace: string; name: string } | undefined {
  const m = path.match(START_PATH);
  return m ? { namespace: decodeURIComponent(m[1]), name: decodeURIComponent(m[2]) } : undefined;
}

function failure(code: number, reason: string, message: string): ApiError {
  return new ApiError(code, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  });
}

/** RBAC's denial of `update` on `virtualmachines/start` in `subresources.kubevirt.io`, in the API server's words. */
export function startForbidden(namespace: string, name: string, user: string): ApiError {
  return failure(
    403,
    'Forbidden',
    `virtualmachines.subresources.kubevirt.io "${name}" is forbidden: User "${user}" cannot update resource "virtualmachines/start" in API group "subresources.kubevirt.io" in the namespace "${namespace}"`,
  );
}

/**
 * virt-api's StartVMRequestHandler (kubevirt/kubevirt@d923fdb pkg/virt-api/rest/lifecycle.go):
 * 404 without the VM; 409 "VM is already running" while a VMI that is not final exists; Halted
 * becomes runStrategy Always (a merge patch of the VM); Manual and RerunOnFailure get a Start
 * request in status.stateChangeRequests, which the VM controller acts on (test/sim/controllers.ts);
 * Always and Once are 409 "… does not support manual start requests". The answer is 202, no body.
 */
export function startVm(store: ObjectStore, namespace: string, name: string): void {
  const vm = store.get('VirtualMachine', namespace, name);
  if (!vm) throw failure(404, 'NotFound', `virtualmachine.kubevirt.io "${name}" not found`);
  const conflict = (why: string) =>
    failure(409, 'Conflict', `Operation cannot be fulfilled on virtualmachine.kubevirt.io "${name}": ${why}`);
  const vmi = store.get('VirtualMachineInstance', namespace, name);
  const phase = vmi?.status?.phase;
  if (vmi && !['Succeeded', 'Failed', 'Unknown', '', undefined].includes(phase))
    throw conflict('VM is already running');
  const strategy = vm.spec?.runStrategy ?? (vm.spec?.running === true ? 'Always' : 'Halted');
  const next: Obj = deepClone(vm);
  switch (strategy) {
    case 'Halted':
      if (next.spec.runStrategy !== undefined) next.spec.runStrategy = 'Always';
      else next.spec.running = true;
      break;
    case 'Manual':
    case 'RerunOnFailure':
      if (next.status?.stateChangeRequests?.length)
        throw failure(
          500,
          'InternalError',
          'Internal error occurred: unable to complete request: stop/start already underway',
        );
      next.status = { ...(next.status ?? {}), stateChangeRequests: [{ action: 'Start' }] };
      break;
    default:
      throw conflict(`${strategy} does not support manual start requests`);
  }
  store.update(next);
}

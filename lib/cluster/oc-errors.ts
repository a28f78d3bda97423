// Reads oc's error output: which failures mean the cluster cannot be used at all (exit 3, or 2 for a wrong --context), and how to say so.
import { ExitCode, usageError, VAutoError } from '../errors.js';

/**
 * An exit-3 error when oc's stderr says we cannot talk to the cluster (not logged in, unreachable,
 * forbidden, server error), else undefined. apply and delete ask only when nothing was sent
 * (parse-output's parseRun): errors that name objects are those objects' outcomes.
 */
export function accessError(stderr: string): VAutoError | undefined {
  const line = firstErrorLine(stderr);
  // kubectl checks --context before it sends anything (`error: context "x" does not exist`).
  const context = /^error: context "([^"]*)" does not exist/m.exec(stderr);
  if (context)
    return usageError(
      `--context ${context[1]}: the kubeconfig has no such context`,
      '"oc config get-contexts" lists them; leave --context out to use the current one',
    );
  const cluster = (message: string, hint: string) =>
    new VAutoError(message, { exitCode: ExitCode.CLUSTER, hint });
  if (/must be logged in|Unauthorized|provide credentials/i.test(stderr)) {
    return cluster(
      'not logged in to the cluster (Unauthorized)',
      `run "oc login" (or check --kubeconfig/--context) and try again`,
    );
  }
  if (
    /Unable to connect to the server|connection refused|The connection to the server \S+ was refused|no such host|i\/o timeout|Client\.Timeout|context deadline exceeded|TLS handshake timeout|no route to host/i.test(
      stderr,
    )
  ) {
    return cluster(
      `cannot reach the cluster: ${line}`,
      'did you specify the right host or port? Check the VPN/proxy and "oc whoami --show-server"',
    );
  }
  const forbidden = parseForbidden(stderr);
  if (forbidden) {
    const { user, verb, resource, namespace: ns } = forbidden;
    return cluster(
      `forbidden: ${user} cannot ${verb} ${resource}${ns ? ` in namespace ${ns}` : ''}`,
      `ask a cluster admin for "${verb}" on ${resource}${ns ? ` in ${ns}` : ''}, or log in as a user who has it`,
    );
  }
  if (
    /\(InternalError\)|Internal error occurred|the server is currently unable|ServiceUnavailable|\b50[0-4]\b/.test(
      stderr,
    )
  ) {
    return cluster(
      `the cluster answered with a server error: ${line}`,
      'try again; if it persists, check the API server',
    );
  }
  return undefined;
}

/** The line that says what went wrong: not a warning, not klog's retry chatter (`E1125 12:00:00 …`). */
export function firstErrorLine(stderr: string): string {
  return (errorLines(stderr)[0] ?? '').replace(/^error: /, '');
}

/** Every line of stderr that says something went wrong (a get of several kinds says one per kind). */
export function errorLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('Warning:') && !/^[EWI]\d{4} /.test(l));
}

/** The parts of an RBAC denial: `User "dev" cannot list resource "secrets" in API group "" in the namespace "x"`. */
export function parseForbidden(
  text: string,
): { user: string; verb: string; resource: string; namespace?: string } | undefined {
  const m =
    /User "([^"]+)" cannot (\w+) resource "([^"]+)"(?: in API group "[^"]*")?(?: in the namespace "([^"]+)")?/.exec(
      text,
    );
  return m ? { user: m[1], verb: m[2], resource: m[3], namespace: m[4] } : undefined;
}

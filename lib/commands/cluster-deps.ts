// What the cluster actions (deploy, status, delete) are handed by the CLI: the outside world, injected.
import type { ClusterClient } from '../cluster/cluster-client.js';
import type { Reporter } from '../report/reporter.js';
import type { PrepareDeps } from '../pipeline/prepare-manifests.js';
import type { WaitDeps } from './wait-ready.js';

export interface ClusterDeps extends PrepareDeps, WaitDeps {
  /** Where the action says what it does and did; it never writes to a stream itself. */
  report: Reporter;
  /** Created on first use, so that usage errors never depend on finding oc. */
  cluster: () => ClusterClient;
  /** Asks a yes/no question; undefined when there is no terminal (then nobody is asked). */
  confirm?: (question: string) => Promise<boolean>;
  /**
   * Takes the project-wide lock around shared-network decisions (see acquireSharedNetworkLock);
   * resolves to its release. Undefined: no other run can interfere (tests, dry runs).
   */
  lockSharedNetworks?: () => Promise<() => void>;
}

// Large applies and deletes split into concurrent oc calls by instance (--parallel), reported as one call.
import type { ObjectOutcome, ObjectRef } from '../cluster/cluster-client.js';
import { ExitCode, VAutoError } from '../errors.js';

/**
 * Fewer instances than this per call and one more oc process costs more than it saves: each kubectl
 * apply starts with its own discovery and OpenAPI download (about 6 requests) before its first object.
 */
export const MIN_INSTANCES_PER_CALL = 5;

export interface FanOutPlan<T> {
  /** Objects of no instance (a Namespace, a project's shared NAD, unlabeled leftovers), sent in a call of their own. */
  alone: T[];
  /** One list per concurrent call: whole runs of instances, their objects in the order given. */
  calls: T[][];
}

/**
 * Splits `items` into at most `parallel` calls by instance: an instance's objects all go in one call,
 * each call keeps the given order (so each instance's NADs, Secret, DataVolume, VM for apply; its VM
 * first for delete), instances are dealt in runs in the order they first appear, and each call gets
 * at least MIN_INSTANCES_PER_CALL of them. When
 * that makes one call, it holds every item in the given order.
 */
export function planFanOut<T>(
  items: T[],
  instanceOf: (item: T) => string | undefined,
  parallel: number,
): FanOutPlan<T> {
  const instances = [...new Set(items.map(instanceOf).filter((i): i is string => i !== undefined))];
  const count = Math.max(1, Math.min(parallel, Math.floor(instances.length / MIN_INSTANCES_PER_CALL)));
  // One call: everything in it, in the order given, as without --parallel.
  if (count === 1) return { alone: [], calls: items.length ? [items] : [] };
  // Balanced contiguous runs of instances: call k takes instances [k·n/count, (k+1)·n/count).
  const callOf = new Map(
    instances.map((instance, i) => [instance, Math.floor((i * count) / instances.length)]),
  );
  const alone: T[] = [];
  const calls: T[][] = Array.from({ length: count }, () => []);
  for (const item of items) {
    const instance = instanceOf(item);
    if (instance === undefined) alone.push(item);
    else calls[callOf.get(instance)!].push(item);
  }
  return { alone, calls };
}

/** What became of objects a run interrupted (Ctrl-C, SIGTERM) before sending them. */
export function notSentOutcomes(refs: ObjectRef[]): ObjectOutcome[] {
  return refs.map((ref) => ({ ...ref, result: 'failed', reason: 'not sent: interrupted', cause: 'other' }));
}

/** Outcomes in the order the objects were given, and the first call-wide failure of a call that did not stop the others. */
export interface FanOutResult {
  outcomes: ObjectOutcome[];
  /** A call failed as a whole (exit 3: it sent nothing) while others went through: its objects are [FAILED] with its message. */
  callError?: VAutoError;
}

/**
 * Sends `items` in the calls of planFanOut: `alone` first (apply: the Namespace and a shared NAD
 * exist before the VMs that need them) or last (delete: a shared NAD after the VMs that attach it),
 * the instance calls side by side. When every call fails as a whole, nothing was sent and the first
 * error is thrown, as one call would have; an interruption, and a rejection that is not a
 * VAutoError (a bug), are always thrown.
 */
export async function sendFanOut<T>(
  items: T[],
  options: {
    instanceOf: (item: T) => string | undefined;
    refOf: (item: T) => ObjectRef;
    parallel: number;
    alone: 'first' | 'last';
    /** The run's interruption (Ctrl-C, SIGTERM): once aborted, no further call is started. */
    signal?: AbortSignal;
  },
  send: (items: T[]) => Promise<ObjectOutcome[]>,
): Promise<FanOutResult> {
  const { alone, calls } = planFanOut(items, options.instanceOf, options.parallel);
  const settled: { items: T[]; result: PromiseSettledResult<ObjectOutcome[]> }[] = [];
  const notSent = (call: T[]) => notSentOutcomes(call.map(options.refOf));
  const runAll = async (batch: T[][]) => {
    // Interrupted: what was not sent yet stays unsent, and says so (the running calls report what they did).
    if (options.signal?.aborted) {
      for (const call of batch)
        settled.push({ items: call, result: { status: 'fulfilled', value: notSent(call) } });
      return;
    }
    const results = await Promise.allSettled(batch.map((call) => send(call)));
    results.forEach((result, i) => settled.push({ items: batch[i], result }));
  };
  if (alone.length && options.alone === 'first') {
    await runAll([alone]);
    // Nothing else was sent yet: a call-wide failure here (not logged in, no OpenAPI) is the whole run's.
    const first = settled[0].result;
    if (first.status === 'rejected') throw first.reason;
  }
  await runAll(calls);
  if (alone.length && options.alone === 'last') await runAll([alone]);

  const errors = settled.flatMap((s) => (s.result.status === 'rejected' ? [s.result.reason as unknown] : []));
  const interrupted = errors.find((e) => e instanceof VAutoError && e.exitCode === ExitCode.INTERRUPTED);
  if (interrupted) throw interrupted;
  // Anything but a VAutoError is a bug, not the cluster's answer: thrown as it is, main reports it as one (exit 70).
  const bug = errors.find((e) => !(e instanceof VAutoError));
  if (bug) throw bug;
  if (errors.length && errors.length === settled.length) throw errors[0];
  const byKey = new Map<string, ObjectOutcome>();
  let callError: VAutoError | undefined;
  for (const { items: sent, result } of settled) {
    if (result.status === 'fulfilled') {
      for (const o of result.value) byKey.set(`${o.kind}/${o.name}`, o);
      continue;
    }
    const err = result.reason as VAutoError;
    callError ??= err;
    for (const ref of sent.map(options.refOf))
      byKey.set(`${ref.kind}/${ref.name}`, {
        ...ref,
        result: 'failed',
        reason: `not sent: ${err.message}`,
        cause: 'other',
      });
  }
  return {
    outcomes: items.map(options.refOf).map((ref) => byKey.get(`${ref.kind}/${ref.name}`)!),
    callError,
  };
}

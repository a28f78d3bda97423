// Maps kubectl's apply/create/delete output back to the objects v-auto sent (pure text parsing).
import type { ObjectOutcome, ObjectRef, ObjectResult } from './cluster-client.js';
import { kindOfPrintedType } from './k8s-object.js';
import { firstErrorLine, parseForbidden } from './oc-errors.js';

/** What one oc process left behind. */
export interface RunOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Either one outcome per sent object, or the reason the whole call failed before anything was sent. */
export type ParsedRun = { outcomes: ObjectOutcome[] } | { failedBeforeSending: string };

const VERBS: Record<string, ObjectResult> = {
  created: 'created',
  configured: 'configured',
  unchanged: 'unchanged',
  deleted: 'deleted',
  // Server-side apply prints one word whatever happened.
  'serverside-applied': 'configured',
};

/** kube-apiserver's NamespaceLifecycle refusal of an object whose namespace does not exist. */
const NAMESPACE_MISSING = /namespaces "[^"]+" not found/;

/** `virtualmachine.kubevirt.io/web-01 configured` and `secret "x" deleted`, keyed `Kind/name`. */
export function parseResultLines(stdout: string): Map<string, ObjectResult> {
  const results = new Map<string, ObjectResult>();
  for (const line of stdout.split('\n')) {
    const m =
      /^([a-z0-9.-]+)\/(\S+) (created|configured|unchanged|serverside-applied)\b/.exec(line.trim()) ??
      /^([a-z0-9.-]+) "([^"]+)" (deleted)\b/.exec(line.trim());
    if (!m) continue;
    const kind = kindOfPrintedType(m[1]);
    if (kind) results.set(`${kind}/${m[2]}`, VERBS[m[3]]);
  }
  return results;
}

/** Splits kubectl's stderr into error blocks (one per failed object, usually). */
export function errorBlocks(stderr: string): string[] {
  const blocks: string[] = [];
  for (const line of stderr.split('\n')) {
    // `error:` from kubectl's own checks; `Error:` from cobra (an unknown flag, kubectl 1.30+).
    if (/^(Error from server|[eE]rror:|The \w+ "[^"]+" is invalid)/.test(line)) blocks.push(line);
    else if (blocks.length && line.trim() && !line.startsWith('Warning:'))
      blocks[blocks.length - 1] += `\n${line}`;
  }
  return blocks;
}

/**
 * The readable reason inside an error block: the server's message, without kubectl's framing. When
 * apply's GET fails, kubectl names the object on lines of their own and puts the server's words on
 * the last (`Name: "web-01", Namespace: "vm-demo"` then `from server for: "STDIN": <message>`;
 * kubernetes/kubectl pkg/cmd/apply/apply.go, applyOneObject's "retrieving current configuration of").
 */
export function reasonOf(block: string): string {
  const lines = block.split('\n');
  const last = lines[lines.length - 1];
  const fromServer = /^from server for: "[^"]*": (.*)$/.exec(last);
  if (fromServer && lines.some((l) => /^Name: "[^"]*", Namespace: "[^"]*"$/.test(l)))
    return fromServer[1].trim();
  const text =
    /error when (?:creating|patching|applying patch|retrieving current configuration of|deleting) /.test(last)
      ? last
      : lines[0];
  return text
    .replace(/^Error from server(?: \(\w+\))?: /, '')
    .replace(
      /^(?:for: "STDIN": )?error when \w+(?: patch| current configuration of)?(?::|(?: "STDIN":)?)\s*/,
      '',
    )
    .replace(/^error when \w+ "STDIN": /, '')
    .replace(/^[eE]rror: /, '')
    .trim();
}

/** A block that came back from a request about one object (kubectl frames those `error when …`). */
function isObjectError(block: string, sent: ObjectRef[]): boolean {
  return /error when \w+/.test(block) || sent.some((ref) => block.includes(`"${ref.name}"`));
}

/**
 * One outcome per sent object, in order: its result line, or the error block that names it.
 * `deleting`: an object kubectl says nothing about was already gone (`--ignore-not-found`).
 * When kubectl failed, printed no result and no error concerns any object, nothing was sent:
 * discovery, OpenAPI download, or a flag it does not know stopped it first.
 */
export function parseRun(sent: ObjectRef[], run: RunOutput, deleting = false): ParsedRun {
  const results = parseResultLines(run.stdout);
  const blocks = errorBlocks(run.stderr);
  if (run.exitCode !== 0 && results.size === 0 && !blocks.some((b) => isObjectError(b, sent))) {
    return {
      failedBeforeSending: blocks.length
        ? reasonOf(blocks[0])
        : firstErrorLine(run.stderr) || `exit code ${run.exitCode} without a message`,
    };
  }
  // An error that names no object (the namespace is missing, say) concerns every object without a
  // result; one whose object is named on a line of its own (a failed GET) is that object's.
  const general = blocks.find(
    (b) => !/^Name: "[^"]+"/m.test(b) && (!/"[^"]+"/.test(b.split('\n')[0]) || /namespaces "/.test(b)),
  );
  // `namespaces "x" not found` names the namespace the objects were sent to, never an object: not
  // even a Namespace x at the head of the same create, which is cluster-scoped and failed for its
  // own reason before them (a refused create: the objects after it each say not found).
  const namedBlock = (ref: ObjectRef) => {
    const own = blocks.filter((b) => names(b, ref) && !NAMESPACE_MISSING.test(b));
    return own.find((b) => b.toLowerCase().includes(ref.kind.toLowerCase())) ?? own[0];
  };
  const generalFor = (ref: ObjectRef) =>
    ref.kind === 'Namespace' && general && NAMESPACE_MISSING.test(general) ? undefined : general;
  // A create's error names the stream, not the object (`error when creating "STDIN": …`). kubectl
  // goes through the stream in order and prints one block per object that failed, so when there
  // are as many such blocks as objects left without a word, the n-th is the n-th object's; else
  // the first is the likeliest for each.
  const unnamed = blocks.filter((b) => !sent.some((r) => names(b, r)));
  const unaccounted = sent.filter(
    (ref) => !results.has(`${ref.kind}/${ref.name}`) && !namedBlock(ref) && !generalFor(ref),
  );
  const inOrder = unnamed.length === unaccounted.length;
  const outcomes = sent.map((ref): ObjectOutcome => {
    const result = results.get(`${ref.kind}/${ref.name}`);
    if (result) return { ...ref, result };
    const block = namedBlock(ref);
    if (block) return failed(ref, reasonOf(block), serverError(block));
    const other = generalFor(ref);
    if (other) return failed(ref, reasonOf(other), serverError(other));
    if (deleting) return { ...ref, result: 'gone' };
    const own = inOrder ? unnamed[unaccounted.indexOf(ref)] : unnamed[0];
    if (own) return failed(ref, reasonOf(own), serverError(own));
    return failed(ref, firstErrorLine(run.stderr) || 'no result reported by the cluster');
  });
  return { outcomes };
}

/**
 * Whether an error block is about `ref`. A Namespace by its resource and name (`namespaces "x" …`):
 * every error about an object in it quotes its name too (`… in the namespace "x"`), and a
 * Namespace heads a first deploy's create.
 */
function names(block: string, ref: ObjectRef): boolean {
  return block.includes(ref.kind === 'Namespace' ? `namespaces "${ref.name}"` : `"${ref.name}"`);
}

/**
 * Whether kubectl framed the block as a server that could not answer (its StatusReason in brackets:
 * InternalError 500, ServiceUnavailable 503, Timeout 504, ServerTimeout, TooManyRequests 429).
 */
function serverError(block: string): boolean {
  return /^Error from server \((InternalError|ServiceUnavailable|Timeout|ServerTimeout|TooManyRequests)\)/.test(
    block,
  );
}

/** A failed outcome with the gist of the server's reason; `server`: the server could not answer. */
export function failed(ref: ObjectRef, reason: string, server = false): ObjectOutcome {
  const denied = parseForbidden(reason);
  if (denied)
    return {
      ...ref,
      result: 'failed',
      reason,
      cause: 'forbidden',
      denied: { verb: denied.verb, resource: denied.resource, namespace: denied.namespace },
    };
  if (/\bis forbidden\b/.test(reason)) return { ...ref, result: 'failed', reason, cause: 'forbidden' };
  if (/namespaces "[^"]+" not found/.test(reason))
    return { ...ref, result: 'failed', reason, cause: 'namespace-missing' };
  // CDI's webhook: pkg/apiserver/webhooks/datavolume-validate.go ("Cannot update DataVolume Spec").
  if (/Cannot update DataVolume Spec|field is immutable/i.test(reason))
    return { ...ref, result: 'failed', reason, cause: 'immutable' };
  if (server) return { ...ref, result: 'failed', reason, cause: 'server' };
  // NewAlreadyExists: `<resource> "<name>" already exists` (kubernetes/apimachinery@eed236c pkg/api/errors/errors.go).
  if (/^\S+ "[^"]+" already exists$/.test(reason))
    return { ...ref, result: 'failed', reason, cause: 'exists' };
  return { ...ref, result: 'failed', reason, cause: 'other' };
}

// Maps kubectl's apply/delete output back to the objects v-auto sent (pure text parsing).
import type { ObjectRef } from './cluster-client.js';
import { kindOfPrintedType } from './k8s-object.js';

export type ApplyVerb = 'created' | 'configured' | 'unchanged';

export interface ObjectOutcome extends ObjectRef {
  /** created/configured/unchanged/deleted when kubectl printed a result for the object. */
  verb?: string;
  /** The part of kubectl's error output that names this object, when it failed. */
  error?: string;
  /** kubectl said nothing at all about the object (with --ignore-not-found: it was already gone). */
  silent?: boolean;
}

/** `virtualmachine.kubevirt.io/web-01 configured` and `secret "x" deleted`, keyed `Kind/name`. */
export function parseResultLines(stdout: string): Map<string, string> {
  const results = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const m = /^([a-z0-9.-]+)\/(\S+) (created|configured|unchanged|serverside-applied)\b/.exec(line.trim()) ?? /^([a-z0-9.-]+) "([^"]+)" (deleted)\b/.exec(line.trim());
    if (!m) continue;
    const kind = kindOfPrintedType(m[1]);
    if (kind) results.set(`${kind}/${m[2]}`, m[3]);
  }
  return results;
}

/** Splits kubectl's stderr into error blocks (one per failed object, usually). */
export function errorBlocks(stderr: string): string[] {
  const blocks: string[] = [];
  for (const line of stderr.split('\n')) {
    if (/^(Error from server|error:|The \w+ "[^"]+" is invalid)/.test(line)) blocks.push(line);
    else if (blocks.length && line.trim() && !line.startsWith('Warning:')) blocks[blocks.length - 1] += `\n${line}`;
  }
  return blocks;
}

/** The readable reason inside an error block: the server's message, without kubectl's framing. */
export function reasonOf(block: string): string {
  const lines = block.split('\n');
  const last = lines[lines.length - 1];
  const text = /error when (?:creating|patching|applying patch|retrieving current configuration of|deleting) /.test(last) ? last : lines[0];
  return text
    .replace(/^Error from server(?: \(\w+\))?: /, '')
    .replace(/^(?:for: "STDIN": )?error when \w+(?: patch| current configuration of)?(?::|(?: "STDIN":)?)\s*/, '')
    .replace(/^error when \w+ "STDIN": /, '')
    .replace(/^error: /, '')
    .trim();
}

/** One outcome per sent object, in order: its result line, or the error block that names it. */
export function matchOutcomes(sent: ObjectRef[], stdout: string, stderr: string): ObjectOutcome[] {
  const results = parseResultLines(stdout);
  const blocks = errorBlocks(stderr);
  return sent.map((ref) => {
    const verb = results.get(`${ref.kind}/${ref.name}`);
    if (verb) return { ...ref, verb };
    const quoted = `"${ref.name}"`;
    const block = blocks.find((b) => b.includes(quoted) && b.toLowerCase().includes(ref.kind.toLowerCase())) ?? blocks.find((b) => b.includes(quoted));
    if (block) return { ...ref, error: reasonOf(block) };
    // An error that names no object (the namespace is missing, say) concerns them all.
    const general = blocks.find((b) => !/"[^"]+"/.test(b.split('\n')[0]) || /namespaces "/.test(b));
    if (general) return { ...ref, error: reasonOf(general) };
    return { ...ref, error: firstLine(stderr) || 'no result reported by the cluster', silent: true };
  });
}

function firstLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('Warning:'))[0] ?? '';
}

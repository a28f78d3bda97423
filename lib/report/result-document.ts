// `-o json` of deploy, delete, start, stop and restart: the result lines of every spec the run
// touched, one summary and the exit code, as one document (schema: schemas/result.schema.json).
import type { Flag, ResultLine } from './result-lines.js';

/** Which spec a group of result lines belongs to. */
export interface ResultScope {
  project: string;
  spec: string;
  namespace: string;
}

/** The counts of the summary, one per flag. */
export type ResultCounts = Record<
  'succeeded' | 'skipped' | 'failed' | 'deleted' | 'started' | 'stopped' | 'restarted',
  number
>;

const COUNT_OF: Record<Flag, keyof ResultCounts> = {
  SUCCESS: 'succeeded',
  SKIPPED: 'skipped',
  FAILED: 'failed',
  DELETED: 'deleted',
  STARTED: 'started',
  STOPPED: 'stopped',
  RESTARTED: 'restarted',
};

export interface ObjectResult {
  flag: Flag;
  kind: string;
  name: string;
  /** The detail of the text line: `created`, `unchanged`, the server's reason for a failure. */
  reason?: string;
  hint?: string;
}

/** How `--wait` ended for a spec: every instance ready, one failed past its grace, or time ran out. */
export interface WaitOutcome {
  outcome: 'ready' | 'failed' | 'timed-out';
  seconds: number;
  ready: number;
  total: number;
  /** The instances that were not ready, each with why (the cluster's words, made printable). */
  notReady: { name: string; reason: string }[];
}

export interface SpecResult extends ResultScope {
  results: ObjectResult[];
  summary: ResultCounts;
  wait?: WaitOutcome;
}

export interface ResultDocument {
  apiVersion: 'v-auto/v1';
  kind: 'Result';
  action: string;
  exitCode: number;
  /** One entry per spec, in the order they were reported. */
  specs: SpecResult[];
  summary: ResultCounts;
  /** Every other line the text output would have printed on stdout (the plan, notices, wait outcome). */
  notes: string[];
  /** Present when the run stopped on an error (exit 2, 3, 4, 130…). */
  error?: { message: string; hint?: string };
}

/** How many lines carry each flag. */
export function counts(lines: { flag: Flag }[]): ResultCounts {
  const c: ResultCounts = {
    succeeded: 0,
    skipped: 0,
    failed: 0,
    deleted: 0,
    started: 0,
    stopped: 0,
    restarted: 0,
  };
  for (const l of lines) c[COUNT_OF[l.flag]]++;
  return c;
}

/**
 * Collects what a run reports instead of printing it; the CLI writes `document()` once at the end.
 * Lines of one spec reported in several steps (deploy, then --prune or --restart) stay one entry.
 */
export class ResultRecorder {
  private readonly specs: { scope: ResultScope; lines: ResultLine[]; wait?: WaitOutcome }[] = [];
  private readonly notes: string[] = [];

  private entry(scope: ResultScope): { scope: ResultScope; lines: ResultLine[]; wait?: WaitOutcome } {
    let entry = this.specs.find((s) => s.scope.project === scope.project && s.scope.spec === scope.spec);
    if (!entry) this.specs.push((entry = { scope, lines: [] }));
    return entry;
  }

  record(scope: ResultScope, lines: ResultLine[]): void {
    this.entry(scope).lines.push(...lines);
  }

  /** How `--wait` ended for the spec (also said in a note, as the text output prints it). */
  recordWait(scope: ResultScope, outcome: WaitOutcome): void {
    this.entry(scope).wait = outcome;
  }

  /** Text that would have gone to stdout, one entry per line. */
  note(text: string): void {
    this.notes.push(...text.replace(/\n$/, '').split('\n'));
  }

  document(action: string, exitCode: number, error?: { message: string; hint?: string }): ResultDocument {
    const specs = this.specs.map(({ scope, lines, wait }) => ({
      project: scope.project,
      spec: scope.spec,
      namespace: scope.namespace,
      results: lines.map(({ flag, kind, name, detail, hint }) => ({
        flag,
        kind,
        name,
        ...(detail !== undefined && { reason: detail }),
        ...(hint !== undefined && { hint }),
      })),
      summary: counts(lines),
      ...(wait && { wait }),
    }));
    return {
      apiVersion: 'v-auto/v1',
      kind: 'Result',
      action,
      exitCode,
      specs,
      summary: counts(this.specs.flatMap((s) => s.lines)),
      notes: this.notes,
      ...(error && {
        error: { message: error.message, ...(error.hint !== undefined && { hint: error.hint }) },
      }),
    };
  }
}

// What a command that changes the cluster reports per object: result lines, their counts, the --wait outcome.

export type Flag = 'SUCCESS' | 'SKIPPED' | 'FAILED' | 'DELETED' | 'STARTED' | 'STOPPED' | 'RESTARTED';

/** The commands that report result lines (and write a result document under `-o json`). */
export type ResultAction = 'deploy' | 'delete' | 'start' | 'stop' | 'restart';

export interface ResultLine {
  flag: Flag;
  kind: string;
  name: string;
  detail?: string;
  /** What to do about a failure, printed under it. */
  hint?: string;
}

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

/** How `--wait` ended for a spec: every instance ready, one failed past its grace, or time ran out. */
export interface WaitOutcome {
  outcome: 'ready' | 'failed' | 'timed-out';
  seconds: number;
  ready: number;
  total: number;
  /** The instances that were not ready, each with why (the cluster's words, made printable). */
  notReady: { name: string; reason: string }[];
}

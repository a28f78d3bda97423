// Where an action writes: stdout for results, stderr for progress and messages; injectable for tests.
import { ResultRecorder } from './result-document.js';

export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** stdout is a terminal (tables may use colour). */
  isTTY: boolean;
  color: boolean;
  /** `-o json` of deploy, delete, start, stop, restart: result lines are recorded here, not printed. */
  results?: ResultRecorder;
}

export function processOutput(env: Record<string, string | undefined>): Output {
  const isTTY = Boolean(process.stdout.isTTY);
  return {
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    isTTY,
    color: isTTY && env.NO_COLOR === undefined && env.TERM !== 'dumb',
  };
}

/**
 * `-o json` of the result-line actions: stdout carries only the one document the CLI writes at the
 * end; what the text output prints on stdout (the plan, notices) goes to stderr and into its notes.
 */
export function jsonResultOutput(output: Output): Output & { results: ResultRecorder } {
  const results = new ResultRecorder();
  return {
    out: (t) => {
      results.note(t);
      output.err(t);
    },
    err: output.err,
    isTTY: false,
    color: false,
    results,
  };
}

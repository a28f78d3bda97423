// The per-resource result lines of deploy and delete: `[FLAG] Kind name (detail)` and a summary.
import { printable } from '../printable.js';
import type { Output } from './output.js';
import { counts, type ResultScope } from './result-document.js';

export type Flag = 'SUCCESS' | 'SKIPPED' | 'FAILED' | 'DELETED' | 'STARTED' | 'STOPPED' | 'RESTARTED';

const COLOR: Record<Flag, string> = {
  SUCCESS: '32',
  SKIPPED: '36',
  FAILED: '31',
  DELETED: '33',
  STARTED: '32',
  STOPPED: '33',
  RESTARTED: '32',
};

export interface ResultLine {
  flag: Flag;
  kind: string;
  name: string;
  detail?: string;
  /** What to do about a failure, printed under it. */
  hint?: string;
}

export function formatResult(line: ResultLine, color: boolean): string {
  const flag = color ? `\u001b[${COLOR[line.flag]}m[${line.flag}]\u001b[0m` : `[${line.flag}]`;
  const text = `${flag} ${line.kind} ${printable(line.name)}${line.detail ? ` (${printable(line.detail)})` : ''}`;
  return line.hint ? `${text}\n          hint: ${printable(line.hint)}` : text;
}

/**
 * One spec's result lines and their summary: printed, or, under `-o json`, recorded for the
 * run's one document (see result-document.ts).
 */
export function reportResults(scope: ResultScope, lines: ResultLine[], output: Output): void {
  if (output.results) return output.results.record(scope, lines);
  printResults(lines, output);
  output.out(`${summarize(lines)}\n`);
}

function printResults(lines: ResultLine[], output: Output): void {
  // A hint shared by many lines (a missing namespace fails every object) is printed once.
  const hinted = new Set<string>();
  for (const line of lines) {
    const repeat = line.hint !== undefined && hinted.has(line.hint);
    if (line.hint) hinted.add(line.hint);
    output.out(`${formatResult(repeat ? { ...line, hint: undefined } : line, output.color)}\n`);
  }
}

export function summarize(lines: ResultLine[]): string {
  const c = counts(lines);
  if (c.deleted) return `${c.deleted} deleted, ${c.failed} failed`;
  for (const word of ['started', 'stopped', 'restarted'] as const) {
    if (c[word]) return `${c[word]} ${word}, ${c.skipped} skipped, ${c.failed} failed`;
  }
  return `${c.succeeded} succeeded, ${c.skipped} skipped, ${c.failed} failed`;
}

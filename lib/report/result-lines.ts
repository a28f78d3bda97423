// The per-resource result lines of deploy and delete: `[FLAG] Kind name (detail)` and a summary.
import { printable } from '../printable.js';
import type { Output } from './output.js';

export type Flag = 'SUCCESS' | 'SKIPPED' | 'FAILED' | 'DELETED' | 'STARTED' | 'STOPPED' | 'RESTARTED';

const COLOR: Record<Flag, string> = { SUCCESS: '32', SKIPPED: '36', FAILED: '31', DELETED: '33', STARTED: '32', STOPPED: '33', RESTARTED: '32' };

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

export function printResults(lines: ResultLine[], output: Output): void {
  // A hint shared by many lines (a missing namespace fails every object) is printed once.
  const hinted = new Set<string>();
  for (const line of lines) {
    const repeat = line.hint !== undefined && hinted.has(line.hint);
    if (line.hint) hinted.add(line.hint);
    output.out(`${formatResult(repeat ? { ...line, hint: undefined } : line, output.color)}\n`);
  }
}

export function summarize(lines: ResultLine[]): string {
  const count = (f: Flag) => lines.filter((l) => l.flag === f).length;
  if (lines.some((l) => l.flag === 'DELETED')) return `${count('DELETED')} deleted, ${count('FAILED')} failed`;
  for (const [flag, word] of [['STARTED', 'started'], ['STOPPED', 'stopped'], ['RESTARTED', 'restarted']] as const) {
    if (lines.some((l) => l.flag === flag)) return `${count(flag)} ${word}, ${count('SKIPPED')} skipped, ${count('FAILED')} failed`;
  }
  return `${count('SUCCESS')} succeeded, ${count('SKIPPED')} skipped, ${count('FAILED')} failed`;
}

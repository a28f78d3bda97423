// The per-resource result lines as text: `[FLAG] Kind name (detail)`, and the summary of what the command did.
import { printable } from '../printable.js';
import { counts, type Flag, type ResultAction, type ResultLine } from './results.js';

const COLOR: Record<Flag, string> = {
  SUCCESS: '32',
  SKIPPED: '36',
  FAILED: '31',
  DELETED: '33',
  STARTED: '32',
  STOPPED: '33',
  RESTARTED: '32',
};

export function formatResult(line: ResultLine, color: boolean): string {
  const flag = color ? `\u001b[${COLOR[line.flag]}m[${line.flag}]\u001b[0m` : `[${line.flag}]`;
  const text = `${flag} ${line.kind} ${printable(line.name)}${line.detail ? ` (${printable(line.detail)})` : ''}`;
  return line.hint ? `${text}\n          hint: ${printable(line.hint)}` : text;
}

/** The result lines, each a line; a hint shared by many lines (a missing namespace fails every object) is printed once. */
export function resultText(lines: ResultLine[], color: boolean): string {
  const hinted = new Set<string>();
  return lines
    .map((line) => {
      const repeat = line.hint !== undefined && hinted.has(line.hint);
      if (line.hint) hinted.add(line.hint);
      return `${formatResult(repeat ? { ...line, hint: undefined } : line, color)}\n`;
    })
    .join('');
}

/**
 * `3 succeeded, 1 skipped, 0 failed` for a deploy, `2 deleted, 1 failed` for a delete (or --prune),
 * `2 started, 0 skipped, 0 failed`…: the command says what it did, whatever the counts are.
 */
export function summarize(lines: ResultLine[], action: ResultAction): string {
  const c = counts(lines);
  switch (action) {
    case 'deploy':
      return `${c.succeeded} succeeded, ${c.skipped} skipped, ${c.failed} failed`;
    case 'delete':
      return `${c.deleted} deleted, ${c.failed} failed`;
    case 'start':
      return `${c.started} started, ${c.skipped} skipped, ${c.failed} failed`;
    case 'stop':
      return `${c.stopped} stopped, ${c.skipped} skipped, ${c.failed} failed`;
    case 'restart':
      return `${c.restarted} restarted, ${c.skipped} skipped, ${c.failed} failed`;
  }
}

// Aligned plain-text tables: what status and inspect print on a terminal and in cron mail alike.
import { printable } from '../printable.js';

/** Pads columns to their widest cell; the last column is not padded. */
export function formatTable(header: string[], rows: string[][], indent = ''): string {
  // Cells may hold cluster text (event messages, phases): one printable line each.
  rows = rows.map((r) => r.map((c) => printable(c ?? '')));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    indent +
    cells
      .map((c, i) => (i === cells.length - 1 ? c : (c ?? '').padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

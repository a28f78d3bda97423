// Makes text from outside (the cluster: events, server reasons) safe to print on a terminal.

// C0 and C1 control characters, DEL, and the Unicode line separators and bidi overrides that
// can forge or reorder what a terminal shows.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * One line of printable text: every control character (escape sequences, carriage returns,
 * newlines that would forge a status row or a result line) becomes a visible `\xNN`/`\uNNNN`;
 * a tab becomes a space.
 */
export function printable(text: string): string {
  return text.replace(CONTROL, (c) => {
    if (c === '\t') return ' ';
    const code = c.charCodeAt(0);
    return code < 0x100
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Like printable, but keeps the line breaks of a multi-line text (oc's stderr). */
export function printableLines(text: string): string {
  return text.split('\n').map(printable).join('\n');
}

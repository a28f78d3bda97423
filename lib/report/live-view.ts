// Progress on a terminal: a few lines redrawn in place, at a capped rate, clipped to the width;
// plain lines where the terminal's geometry cannot hold them. Replaces ora, whose line count
// divides by the column count: on a 0-column terminal (script(1) started without a terminal)
// it looped writing escape codes, so fast that signals were never handled. ora 9.4.1, the last
// release for Node 20, still does (sindresorhus/ora 9.4.1 index.js: `columns = stream.columns ?? 80`,
// then `Math.ceil(width / columns)` lines to clear); ora 10.0.0 reads `columns || 80` but needs
// Node ≥ 22 (its package.json engines), and v-auto runs on Node ≥ 20.19 (docs/reliability.md).

/** What a live view writes to: a terminal stream (process.stderr), or a fake in tests. */
export interface LiveStream {
  write(text: string): unknown;
  /** The terminal's size as the stream reports it now; 0 or undefined when unknown. */
  columns?: number;
  rows?: number;
}

export interface LiveView {
  /** Shows `lines`, the first one a headline; with no usable geometry, the headline alone, when it changed. */
  update(lines: string[]): void;
  /** Draws what is pending and leaves it on the screen; later updates are ignored. */
  stop(): void;
  /** Erases the frame on the screen (plain lines stay) and drops what is pending; later updates draw anew. */
  clear(): void;
}

export interface LiveViewOptions {
  /** At most one redraw per this many milliseconds; updates in between are merged. */
  minIntervalMs?: number;
  now?: () => number;
}

/** Below this the view is plain lines: a table does not fit, and cursor arithmetic is not worth the risk. */
export const MIN_COLUMNS = 20;
export const MIN_ROWS = 4;
const MIN_INTERVAL_MS = 200;

/** Cursor up `n` lines (CUU: every terminal that has a cursor knows it), column 1, erase to the end of the screen. */
const up = (n: number) => `${n > 0 ? `\u001b[${n}A` : ''}\r\u001b[J`;

export function liveView(stream: LiveStream, options: LiveViewOptions = {}): LiveView {
  const interval = options.minIntervalMs ?? MIN_INTERVAL_MS;
  const now = options.now ?? Date.now;
  let drawn = 0; // lines of the frame on the screen, below which the cursor stands
  let lastDraw = -Infinity;
  let lastPlain: string | undefined;
  let pending: string[] | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const draw = () => {
    timer = undefined;
    const lines = pending;
    pending = undefined;
    if (!lines) return;
    lastDraw = now();
    const columns = usable(stream.columns);
    const rows = usable(stream.rows);
    if (!fitsFrames(stream)) {
      // Nothing to erase: the frame drawn before (if any) stays, plain lines follow it.
      drawn = 0;
      if (lines[0] !== undefined && lines[0] !== lastPlain) stream.write(`${lines[0]}\n`);
      lastPlain = lines[0];
      return;
    }
    lastPlain = undefined;
    // One row is left for the cursor, so a frame never scrolls the screen (which would break the
    // count of lines to move up); one column is left so that no line wraps.
    const room = rows - 1;
    const shown =
      lines.length > room ? [...lines.slice(0, room - 1), `… ${lines.length - room + 1} more`] : lines;
    stream.write(up(drawn) + shown.map((l) => `${clip(l, columns - 1)}\n`).join(''));
    drawn = shown.length;
  };

  return {
    update(lines) {
      if (stopped) return;
      pending = lines;
      if (timer) return;
      const wait = lastDraw + interval - now();
      if (wait <= 0) draw();
      else timer = setTimeout(draw, wait).unref();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      draw();
    },
    clear() {
      clearTimeout(timer);
      timer = undefined;
      pending = undefined;
      lastPlain = undefined;
      // What comes next is a new frame: drawn at once, not held back by the rate of this one.
      lastDraw = -Infinity;
      if (drawn > 0) stream.write(up(drawn));
      drawn = 0;
    },
  };
}

/** Whether the terminal's geometry, as it is now, holds a frame drawn in place (else plain lines). */
export function fitsFrames(stream: LiveStream): boolean {
  return usable(stream.columns) >= MIN_COLUMNS && usable(stream.rows) >= MIN_ROWS;
}

function usable(n: number | undefined): number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

/**
 * The first `width` columns of `text`. Code points from U+1100 up count as two columns: wide
 * characters are counted right, a few narrow ones are clipped early, and no line ever wraps.
 */
export function clip(text: string, width: number): string {
  let used = 0;
  let out = '';
  for (const ch of text) {
    const w = (ch.codePointAt(0) ?? 0) >= 0x1100 ? 2 : 1;
    if (used + w > width) return out;
    used += w;
    out += ch;
  }
  return out;
}

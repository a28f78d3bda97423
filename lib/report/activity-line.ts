// What a step is doing while oc works (`reading`, `applying 412/800`): one line on a terminal,
// redrawn with a spinner and erased before anything else is written, so no output changes.
import { fitsFrames, liveView, type LiveStream, type LiveViewOptions } from './live-view.js';
import type { Output } from './output.js';

/** ASCII, so that a terminal without Unicode shows it as well. */
const FRAMES = ['-', '\\', '|', '/'];
const TICK_MS = 120;

export interface ActivityLine {
  /** Shows what the step is doing now, and keeps its spinner turning until `settle`. */
  show(text: string): void;
  /** Erases the line, if one is shown: something else is about to be written. */
  settle(): void;
}

/**
 * The activity line on `stream`, through the live view and its guards: where the terminal's geometry
 * cannot hold a frame (under 20 columns, 0 columns), each new text is a plain line, without spinner.
 */
export function activityLine(
  stream: LiveStream,
  options: LiveViewOptions & { tickMs?: number } = {},
): ActivityLine {
  const view = liveView(stream, options);
  let text: string | undefined;
  let frame = 0;
  let ticker: NodeJS.Timeout | undefined;
  const draw = () => {
    if (text === undefined) return;
    view.update([fitsFrames(stream) ? `${FRAMES[frame++ % FRAMES.length]} ${text}` : text]);
  };
  return {
    show(next) {
      text = next;
      draw();
      ticker ??= setInterval(draw, options.tickMs ?? TICK_MS).unref();
    },
    settle() {
      clearInterval(ticker);
      ticker = undefined;
      if (text === undefined) return;
      text = undefined;
      view.clear();
    },
  };
}

/** `output`, with the activity line erased before each write to it. */
export function settlingOutput(output: Output, line: ActivityLine): Output {
  return {
    ...output,
    out: (text) => {
      line.settle();
      output.out(text);
    },
    err: (text) => {
      line.settle();
      output.err(text);
    },
  };
}

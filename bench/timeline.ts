// v-auto's own floor per benchmark sample: the oc calls its wrapper stamped, and how long at least one ran.

/** One oc call of a v-auto run, in ms from the run's spawn; `endMs` absent when it never ended (killed). */
export interface OcCall {
  startMs: number;
  endMs?: number;
  args: string;
}

/** Seconds since the epoch as bash's $EPOCHREALTIME prints them ("1796624769.900491"), in ms. */
function epochMs(stamp: string): number {
  // The decimal separator follows the locale: "," in some.
  const [seconds, fraction = ''] = stamp.split(/[.,]/);
  return Number(seconds) * 1000 + Number(`0.${fraction || '0'}`) * 1000;
}

/**
 * The calls in the bench oc wrapper's log, in the order they started, timed from `originMs` (the
 * run's spawn, ms since the epoch). The wrapper writes `start PID STAMP ARGS…` before running kubectl
 * and `end PID STAMP` after it; a call killed with its wrapper (a `--wait` watch) has no end line.
 */
export function parseCallLog(text: string, originMs: number): OcCall[] {
  const calls = new Map<string, OcCall>();
  for (const line of text.split('\n')) {
    const m = /^(start|end) (\d+) (\S+)(?: (.*))?$/.exec(line);
    if (!m) continue;
    const [, what, pid, stamp, args = ''] = m;
    const ms = epochMs(stamp) - originMs;
    if (what === 'start') calls.set(pid, { startMs: ms, args });
    else {
      const call = calls.get(pid);
      if (call) call.endMs = ms;
    }
  }
  return [...calls.values()].sort((a, b) => a.startMs - b.startMs);
}

/**
 * How long at least one of the calls ran: the length of the union of their intervals, so that calls
 * side by side count once and calls one after another add up. A call without an end runs to `untilMs`.
 */
export function busyMs(calls: OcCall[], untilMs: number): number {
  const spans = calls
    .map((c) => [c.startMs, Math.min(c.endMs ?? untilMs, untilMs)] as const)
    .filter(([start, end]) => end > start)
    .sort((a, b) => a[0] - b[0]);
  let total = 0;
  let open: [number, number] | undefined;
  for (const [start, end] of spans) {
    if (open && start <= open[1]) open[1] = Math.max(open[1], end);
    else {
      if (open) total += open[1] - open[0];
      open = [start, end];
    }
  }
  return open ? total + open[1] - open[0] : 0;
}

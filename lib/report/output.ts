// Where an action writes: stdout for results, stderr for progress and messages; injectable for tests.

export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** stdout is a terminal (tables may use colour). */
  isTTY: boolean;
  color: boolean;
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

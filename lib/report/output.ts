// Where the CLI writes: stdout for results, stderr for progress and messages; injectable for tests.
import { ExitCode, VAutoError } from '../errors.js';

export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** stdout is a terminal (tables may use colour). */
  isTTY: boolean;
  color: boolean;
  /** Resolves once everything written to stdout is out; rejects with the write error if it failed. */
  flush?(): Promise<void>;
}

/**
 * stdout and stderr of this process. A failed write to stdout (EPIPE from `| head`, ENOSPC) is
 * reported once the stream says so, asynchronously: the next `out` throws it, and `flush` at the
 * end of the run catches the last one. A failed write to stderr leaves nowhere to say anything:
 * it is dropped (the exit code still tells).
 */
export function processOutput(env: Record<string, string | undefined>): Output {
  const isTTY = Boolean(process.stdout.isTTY);
  // A stdout on /dev/null (>/dev/null, Python's subprocess.DEVNULL, Node's stdio 'ignore', and what
  // Node opens in place of a closed one) takes every write: the run goes on, its exit code tells.
  let failure: VAutoError | undefined;
  const fail = (err: NodeJS.ErrnoException) => (failure ??= writeError(err));
  process.stdout.on('error', fail);
  process.stderr.on('error', () => undefined);
  return {
    out: (t) => {
      if (failure) throw failure;
      process.stdout.write(t);
    },
    err: (t) => void process.stderr.write(t),
    isTTY,
    color: isTTY && env.NO_COLOR === undefined && env.TERM !== 'dumb',
    flush: () =>
      new Promise<void>((resolve, reject) => {
        const settle = (err?: Error | null) => {
          if (err) fail(err as NodeJS.ErrnoException);
          if (failure) reject(failure);
          else resolve();
        };
        // An empty write's callback runs once the writes before it are done, or with their error.
        if (failure || process.stdout.destroyed) settle();
        else process.stdout.write('', settle);
      }),
  };
}

function writeError(err: NodeJS.ErrnoException): VAutoError {
  const why: Record<string, string> = {
    EPIPE: 'the reading end of the pipe was closed',
    ENOSPC: 'no space left on the device',
    EIO: 'the terminal is gone',
  };
  const code = err.code ?? err.message;
  return new VAutoError(`cannot write the output to stdout: ${code}${why[code] ? ` (${why[code]})` : ''}`, {
    exitCode: ExitCode.OUTPUT,
    hint: 'what was shown is incomplete; the cluster side ran as far as the output got (check with "status")',
    cause: err,
  });
}

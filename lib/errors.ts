// The one error type: carries the exit code and a hint; lib/ throws it, the CLI prints it.

/** Process exit codes, as documented in docs/lifecycle.md ("Exit codes"). */
export const ExitCode = {
  OK: 0,
  /** Some resource was not applied or deleted. */
  RESOURCE_FAILED: 1,
  /** Usage or configuration error: nothing was sent to the cluster. */
  USAGE: 2,
  /** The cluster could not be reached or refused us. */
  CLUSTER: 3,
  /** Another run of the same project/spec holds the workspace lock. */
  BUSY: 4,
  /** The output could not be written (stdout a closed pipe, a full disk): sysexits' EX_IOERR. */
  OUTPUT: 74,
  /** A bug in v-auto: an error that is not a VAutoError. */
  INTERNAL: 70,
  /** Interrupted by Ctrl-C (SIGINT) or SIGTERM. */
  INTERRUPTED: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error meant for the user: a one-line message, an optional hint, an exit code. */
export class VAutoError extends Error {
  readonly exitCode: ExitCode;
  readonly hint?: string;

  constructor(message: string, options: { exitCode?: ExitCode; hint?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'VAutoError';
    this.exitCode = options.exitCode ?? ExitCode.USAGE;
    this.hint = options.hint;
  }
}

/** Shorthand for a usage/configuration error (exit 2). */
export function usageError(message: string, hint?: string): VAutoError {
  return new VAutoError(message, { exitCode: ExitCode.USAGE, hint });
}

/** The run was interrupted (Ctrl-C, SIGTERM): exit 130. */
export function interruptedError(): VAutoError {
  return new VAutoError('interrupted', { exitCode: ExitCode.INTERRUPTED });
}

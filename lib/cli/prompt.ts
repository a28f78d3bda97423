// Reads a secret from the terminal without echoing it, asking twice to catch typos (and again after one); yes/no questions.
// Both end on the run's abort signal (SIGTERM, SIGHUP, SIGINT from outside) with the terminal restored.
import { interruptedError as interrupted, usageError } from '../errors.js';

function readHidden(question: string, signal?: AbortSignal): Promise<string> {
  const { stdin, stderr } = process;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(interrupted());
    let value = '';
    // Raw mode (no echo) before the question: what is typed as soon as it shows is never echoed.
    stdin.setRawMode(true);
    stderr.write(question);
    stdin.resume();
    stdin.setEncoding('utf8');
    const done = (fn: () => void) => {
      signal?.removeEventListener('abort', onAbort);
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      stderr.write('\n');
      fn();
    };
    const onAbort = () => done(() => reject(interrupted()));
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done(() => resolve(value));
        if (ch === '\u0003') return done(() => reject(interrupted()));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** How many times two different entries are asked again before the run gives up. */
const ATTEMPTS = 3;

/**
 * Asks for a template variable's value twice, hidden; refuses an empty value. Two different
 * entries (a typo) ask again, up to ATTEMPTS times, rather than end a run that may have waited on
 * a lock or a long plan to get here.
 */
export async function promptSecret(variable: string, signal?: AbortSignal): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    // Part of the question, so that it shows once the terminal no longer echoes.
    const again = attempt > 1 ? `the two values differ; once more (${attempt} of ${ATTEMPTS})\n` : '';
    const first = await readHidden(`${again}Value for ${variable}: `, signal);
    if (first === '') throw usageError(`no value given for ${variable}`);
    if ((await readHidden(`Again, to confirm: `, signal)) === first) return first;
    if (attempt === ATTEMPTS) throw usageError(`the two values for ${variable} differ, three times`);
  }
}

/** Asks a yes/no question on the terminal; anything but y/yes is no. */
export async function confirm(question: string, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) throw interrupted();
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  let onAbort: (() => void) | undefined;
  try {
    // readline takes Ctrl-C itself on a terminal; without this the question would wait forever.
    const cancelled = new Promise<never>((_, reject) => {
      rl.once('SIGINT', () => reject(interrupted()));
      onAbort = () => reject(interrupted());
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    return /^y(es)?$/i.test((await Promise.race([rl.question(`${question} [y/N] `), cancelled])).trim());
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    rl.close();
  }
}

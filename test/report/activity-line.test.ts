// The activity line: a spinner line drawn in place and erased before other output; plain lines,
// without spinner or escape codes, where the terminal's geometry cannot hold a frame.
import { activityLine, settlingOutput } from '../../lib/report/activity-line.js';
import type { LiveStream } from '../../lib/report/live-view.js';
import { textReporter } from '../../lib/report/reporter.js';
import { countedSend } from '../../lib/commands/counted-send.js';
import { capture } from '../helpers/fake-cluster.js';

const ESC = '\u001b';

/** A terminal that records what is written; the clock is the test's and the spinner never ticks by itself. */
function fakeTerminal(columns?: number, rows?: number) {
  const writes: string[] = [];
  let clock = 0;
  const stream: LiveStream = { columns, rows, write: (t: string) => writes.push(t) };
  const line = activityLine(stream, { now: () => clock, minIntervalMs: 200, tickMs: 1e9 });
  return { line, writes, advance: (ms: number) => (clock += ms) };
}

test('a usable terminal: the line is drawn in place with a spinner, and erased by settle', () => {
  const t = fakeTerminal(80, 24);
  t.line.show('reading the cluster');
  t.advance(300);
  t.line.show('applying 5/10 objects');
  t.line.settle();
  t.line.settle(); // nothing left to erase
  t.line.show('deleting 0/4 objects');
  expect(t.writes).toEqual([
    `\r${ESC}[J- reading the cluster\n`,
    `${ESC}[1A\r${ESC}[J\\ applying 5/10 objects\n`,
    `${ESC}[1A\r${ESC}[J`,
    `\r${ESC}[J| deleting 0/4 objects\n`,
  ]);
});

test.each<[string, number | undefined, number | undefined]>([
  ['0 columns', 0, 0],
  ['19 columns', 19, 24],
  ['no geometry', undefined, undefined],
])('%s: plain lines, each new text once, no spinner, nothing to erase', (_what, columns, rows) => {
  const t = fakeTerminal(columns, rows);
  for (let i = 0; i < 1_000; i++) {
    t.line.show(i < 500 ? 'applying 0/2 objects' : 'applying 2/2 objects');
    t.advance(1_000);
  }
  t.line.settle();
  expect(t.writes.join('')).toBe('applying 0/2 objects\napplying 2/2 objects\n');
});

test('every write to stdout or stderr erases the line first; the reporter shows it only with a terminal', () => {
  const t = fakeTerminal(80, 24);
  const seen = capture();
  const log: string[] = [];
  const output = settlingOutput(
    { ...seen, out: (s) => log.push(`out:${s}`), err: (s) => log.push(`err:${s}`) },
    t.line,
  );
  const report = textReporter(output, t.line);
  report.activity('reading namespace vm-demo');
  output.out('table\n');
  report.activity('reading namespace vm-demo');
  report.aside('dry run: nothing was sent to the cluster');
  expect(t.writes).toEqual([
    `\r${ESC}[J- reading namespace vm-demo\n`,
    `${ESC}[1A\r${ESC}[J`,
    `\r${ESC}[J\\ reading namespace vm-demo\n`,
    `${ESC}[1A\r${ESC}[J`,
  ]);
  expect(log).toEqual(['out:table\n', 'err:dry run: nothing was sent to the cluster\n']);

  // Without a terminal the activity is nothing at all.
  const plain = capture();
  textReporter(plain).activity('applying 1/2 objects');
  expect([plain.stdout, plain.stderr]).toEqual(['', '']);
});

test('countedSend says how many objects of the total each finished call brought, sent or failed', async () => {
  const said: (string | undefined)[] = [];
  const report = { ...textReporter(capture()), activity: (t?: string) => void said.push(t) };
  const send = countedSend(report, 'applying', 5, async (items: number[]) => {
    if (items.includes(3)) throw new Error('refused');
    return items.length;
  });
  expect(said).toEqual(['applying 0/5 objects']);
  await send([1, 2]);
  await expect(send([3])).rejects.toThrow('refused');
  await send([4, 5]);
  expect(said).toEqual([
    'applying 0/5 objects',
    'applying 2/5 objects',
    'applying 3/5 objects',
    'applying 5/5 objects',
  ]);
});

// Large output through a slow pipe arrives whole: `inspect -o yaml | oc apply -f -` must never apply half a stream.
import { spawn, spawnSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import { binary, repoRoot } from '../helpers/e2e.js';

test('inspect -o yaml of 300 instances reaches a reader that drains slowly, to the last byte', async () => {
  const child = spawn(
    process.execPath,
    [binary, '--home', 'examples', 'demo', 'db', 'inspect', '-o', 'yaml', '--replicas', '300'],
    { cwd: repoRoot },
  );
  const chunks: Buffer[] = [];
  // Let the pipe fill (64 KiB) before reading, so the writer has to wait for us.
  child.stdout.pause();
  await new Promise((r) => setTimeout(r, 300));
  child.stdout.on('data', (c: Buffer) => chunks.push(c));
  child.stdout.resume();
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const text = Buffer.concat(chunks).toString('utf8');
  expect(code).toBe(0);
  expect(text.length).toBeGreaterThan(200_000);
  const docs = parseAllDocuments(text);
  // 1 shared NAD, then a Secret, a DataVolume and a VirtualMachine per instance.
  expect(docs).toHaveLength(1 + 3 * 300);
  expect((docs[docs.length - 1].toJS() as { metadata: { name: string } }).metadata.name).toBe('db-300');
});

// Python's subprocess.DEVNULL and Node's stdio 'ignore' give a child /dev/null opened read-write, and
// Node opens it so in place of a closed stdout (`>&-`): the three cannot be told apart, and an
// automation that discards the output must not be refused (it was exit 74, "stdout was closed").
test.each([
  [
    "Node's stdio 'ignore'",
    (args: string[]) =>
      spawnSync(process.execPath, [binary, ...args], {
        cwd: repoRoot,
        stdio: ['ignore', 'ignore', 'pipe'],
        encoding: 'utf8',
      }),
  ],
  [
    "a shell's 1<>/dev/null",
    (args: string[]) =>
      spawnSync(
        '/bin/sh',
        ['-c', `exec ${[process.execPath, binary, ...args].map((a) => `'${a}'`).join(' ')} 1<>/dev/null`],
        { cwd: repoRoot, encoding: 'utf8' },
      ),
  ],
  [
    'a closed stdout (>&-)',
    (args: string[]) =>
      spawnSync(
        '/bin/sh',
        ['-c', `exec ${[process.execPath, binary, ...args].map((a) => `'${a}'`).join(' ')} >&-`],
        { cwd: repoRoot, encoding: 'utf8' },
      ),
  ],
  [
    '>/dev/null',
    (args: string[]) =>
      spawnSync(
        '/bin/sh',
        ['-c', `exec ${[process.execPath, binary, ...args].map((a) => `'${a}'`).join(' ')} >/dev/null`],
        { cwd: repoRoot, encoding: 'utf8' },
      ),
  ],
])('stdout on /dev/null through %s: the run goes on, exit 0, nothing on stderr', (_how, run) => {
  const r = run(['--home', 'examples', 'demo', 'db', 'inspect']);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
});

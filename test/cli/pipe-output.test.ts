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

// Node opens /dev/null in place of a closed stdout, so every write "succeeds" and vanishes.
test.each([
  ['inspect', ['--home', 'examples', 'demo', 'db', 'inspect']],
  ['--version', ['--version']],
])('%s with stdout closed (>&-): exit 74 saying so, nothing written', (_what, args) => {
  const quoted = [process.execPath, binary, ...args].map((a) => `'${a}'`).join(' ');
  const r = spawnSync('/bin/sh', ['-c', `exec ${quoted} >&-`], { cwd: repoRoot, encoding: 'utf8' });
  expect(r.stderr).toBe(
    'v-auto: cannot write the output to stdout: EBADF (stdout was closed, as by >&-)\nhint: redirect it (>/dev/null, > file) instead of closing it; nothing was done\n',
  );
  expect(r.status).toBe(74);
});

test('stdout sent to /dev/null on purpose is not a closed one', () => {
  const r = spawnSync(
    '/bin/sh',
    ['-c', `exec '${process.execPath}' '${binary}' --home examples demo db inspect >/dev/null`],
    { cwd: repoRoot, encoding: 'utf8' },
  );
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
});

// Large output through a slow pipe arrives whole: `inspect -o yaml | oc apply -f -` must never apply half a stream.
import { spawn } from 'node:child_process';
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

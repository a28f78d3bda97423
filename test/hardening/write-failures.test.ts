// A stdout that cannot be written (a closed pipe, a full disk): one v-auto line, exit 74, the lock released, and the documented cron recipe keeps the last good file.
import { spawn } from 'node:child_process';
import {
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ocWrapper, repoRoot, stackLines, startE2E, type E2E, type RunOutcome } from '../helpers/e2e.js';

const locks = (e2e: E2E) =>
  readdirSync(path.join(e2e.home, 'projects', 'demo')).filter((f) => f.includes('.lock'));

function expectWriteFailure(r: RunOutcome, code: 'EPIPE' | 'ENOSPC'): void {
  const lines = r.stderr.split('\n').filter((l) => l && !l.startsWith('hint: '));
  expect({ code: r.code, lines }).toEqual({
    code: 74,
    lines: [expect.stringMatching(new RegExp(`^v-auto: cannot write the output to stdout: ${code} `))],
  });
  expect(stackLines(r.stderr)).toEqual([]);
}

describe('a failed write to stdout', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
    expect((await e2e.run(['demo', 'web', 'deploy', '--yes', '--wait', '60'])).code).toBe(0);
  });
  afterAll(() => e2e.close());

  test.each<['full' | 'closed-pipe', 'EPIPE' | 'ENOSPC', string[]]>([
    ['full', 'ENOSPC', ['demo', 'web', 'status', '-o', 'json']],
    ['closed-pipe', 'EPIPE', ['demo', 'web', 'status']],
    ['full', 'ENOSPC', ['demo', 'web', 'inspect', '-o', 'yaml']],
    ['closed-pipe', 'EPIPE', ['demo', 'web', 'inspect', '-o', 'yaml']],
    ['full', 'ENOSPC', ['--version']],
    ['full', 'ENOSPC', ['demo', 'web', 'deploy', '--yes']],
  ])('stdout %s: %s, exit 74 in one line for %j', async (stdout, code, args) => {
    const r = await e2e.run(args, {}, { stdout });
    expectWriteFailure(r, code);
    expect(locks(e2e)).toEqual([]);
  });

  test('delete into a closed pipe: exit 74 after the delete, the lock released; the next run finds nothing left', async () => {
    const r = await e2e.run(['demo', 'web', 'delete', '--yes'], {}, { stdout: 'closed-pipe' });
    expectWriteFailure(r, 'EPIPE');
    expect(locks(e2e)).toEqual([]);
    const again = await e2e.run(['demo', 'web', 'delete', '--yes']);
    expect(again.code).toBe(0);
    expect(e2e.sim.get('VirtualMachine', 'vm-demo', 'web-01')).toBeUndefined();
    expect((await e2e.run(['demo', 'web', 'deploy', '--yes', '--wait', '60'])).code).toBe(0);
  });

  describe('the cron recipe for a status file (docs/lifecycle.md, From cron)', () => {
    const line = readFileSync(path.join(repoRoot, 'docs/lifecycle.md'), 'utf8')
      .split('\n')
      .find((l) => l.startsWith('*/5 * * * *') && l.includes('status -o json'));
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'v-auto-cron-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    /** Runs the recipe's command (without the schedule) as cron would, with its paths moved to the test's. */
    const runRecipe = (kubeconfig: string): Promise<number | null> => {
      const command = line!
        .split(' ')
        .slice(5)
        .join(' ')
        .replaceAll('/var/lib/v-auto', dir)
        .replace('/opt/v-auto/bin/v-auto', path.join(repoRoot, 'bin/v-auto'));
      // Asynchronous: the simulator answers from this process.
      const child = spawn('sh', ['-c', command], {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: e2e.home,
          KUBECONFIG: kubeconfig,
          V_AUTO_HOME: e2e.home,
          V_AUTO_OC: ocWrapper,
          OC_WRAPPER_KUBECTL: e2e.kubectl,
        },
        stdio: 'ignore',
      });
      return new Promise((resolve) => child.on('close', resolve));
    };
    const statusFile = () => path.join(dir, 'web-status.json');
    const tmpFile = () => path.join(dir, 'web-status.tmp');

    test('a good run writes the status file; a write failure and an unreachable cluster keep it', async () => {
      expect(line).toBeDefined();
      expect(await runRecipe(e2e.sim.kubeconfigPath)).toBe(0);
      const good = readFileSync(statusFile(), 'utf8');
      expect(JSON.parse(good).ready).toBe(true);

      // The temporary file on a full disk: every write fails with ENOSPC.
      symlinkSync('/dev/full', tmpFile());
      expect(await runRecipe(e2e.sim.kubeconfigPath)).toBe(74);
      expect(lstatSync(statusFile()).isSymbolicLink()).toBe(false);
      expect(readFileSync(statusFile(), 'utf8')).toBe(good);
      unlinkSync(tmpFile());

      // A cluster that cannot be reached: exit 3.
      const nowhere = path.join(dir, 'nowhere.kubeconfig');
      writeFileSync(
        nowhere,
        readFileSync(e2e.sim.kubeconfigPath, 'utf8').replace(
          /"server": "http:\/\/127\.0\.0\.1:\d+"/,
          '"server": "http://127.0.0.1:9"',
        ),
      );
      expect(await runRecipe(nowhere)).toBe(3);
      expect(readFileSync(statusFile(), 'utf8')).toBe(good);
    });
  });
});

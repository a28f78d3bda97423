// On a terminal: deploy asks before applying; "n" and Ctrl-C at the question leave the cluster alone.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { binary, kubectlAvailable, ocWrapper, startE2E, type E2E } from '../helpers/e2e.js';

const haveScript = existsSync('/usr/bin/script');
const describeTTY = haveScript && kubectlAvailable ? describe : describe.skip;
if (!haveScript) console.warn('script(1) not found: terminal tests SKIPPED');

/** Runs bin/v-auto under script(1), which gives it a pseudo-terminal; resolves when `prompt` shows. */
function onTerminal(e2e: E2E, args: string[]) {
  const command = [process.execPath, binary, '--home', e2e.home, '--oc', ocWrapper, '--kubeconfig', e2e.sim.kubeconfigPath, ...args].map((a) => `'${a}'`).join(' ');
  const child = spawn('script', ['-qefc', command, '/dev/null'], { env: { PATH: process.env.PATH ?? '', HOME: e2e.home, TERM: 'dumb', V_AUTO_PASSWORD: 'pw' } });
  let screen = '';
  child.stdout.on('data', (d) => (screen += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const waitFor = async (text: string) => {
    for (let i = 0; i < 200 && !screen.includes(text); i++) await new Promise((r) => setTimeout(r, 50));
    if (!screen.includes(text)) throw new Error(`never saw ${JSON.stringify(text)}; screen: ${screen}`);
  };
  return { child, exited, waitFor, screen: () => screen };
}

describeTTY('deploy on a terminal', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(() => e2e.close());

  test('answering no applies nothing', async () => {
    const run = onTerminal(e2e, ['demo', 'web', 'deploy']);
    await run.waitFor('[y/N]');
    expect(run.screen()).toContain('Apply 8 resources (8 new) for 2 instance(s) to namespace vm-demo (to be created)');
    run.child.stdin.write('n\r');
    expect(await run.exited).toBe(0);
    expect(run.screen()).toContain('nothing applied');
    expect(e2e.calls().some((c) => c.startsWith('apply'))).toBe(false);
  });

  test('Ctrl-C at the question ends with 130 and applies nothing', async () => {
    const run = onTerminal(e2e, ['demo', 'web', 'deploy']);
    await run.waitFor('[y/N]');
    run.child.stdin.write('\u0003');
    expect(await run.exited).toBe(130);
    expect(run.screen()).toContain('v-auto: interrupted');
    expect(e2e.calls().some((c) => c.startsWith('apply'))).toBe(false);
  });

  test('yes applies', async () => {
    const run = onTerminal(e2e, ['demo', 'web', 'deploy']);
    await run.waitFor('[y/N]');
    run.child.stdin.write('y\r');
    expect(await run.exited).toBe(0);
    expect(run.screen()).toContain('[SUCCESS] VirtualMachine web-02 (created)');
  });
});

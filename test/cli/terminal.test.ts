// On a terminal: deploy shows its plan and asks before applying; "n" and Ctrl-C at the question leave the cluster alone.
import { haveScript, onTerminal, ocWrapper, startE2E, writes, type E2E } from '../helpers/e2e.js';

const describeTTY = haveScript ? describe : describe.skip;
if (!haveScript) console.warn('script(1) not found: terminal tests SKIPPED');

/** Runs bin/v-auto on a pseudo-terminal against the E2E's simulator and workspace. */
function terminal(e2e: E2E, args: string[]) {
  return onTerminal(
    ['--home', e2e.home, '--oc', ocWrapper, '--kubeconfig', e2e.sim.kubeconfigPath, ...args],
    {
      HOME: e2e.home,
      V_AUTO_PASSWORD: 'pw',
      OC_WRAPPER_KUBECTL: e2e.kubectl,
      OC_WRAPPER_LOG: e2e.callLog,
    },
  );
}

describeTTY('deploy on a terminal', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(() => e2e.close());

  test('answering no applies nothing', async () => {
    const run = terminal(e2e, ['demo', 'web', 'deploy']);
    await run.waitFor('[y/N]');
    expect(run.screen()).toContain(
      'Plan for demo/web in namespace vm-demo (to be created): +8 create  ~0 update  =0 unchanged',
    );
    expect(run.screen()).toContain('  + VirtualMachine web-01');
    expect(run.screen()).toContain(
      'Apply 8 change(s) (8 new) for 2 instance(s) to namespace vm-demo (to be created)',
    );
    run.child.stdin.write('n\r');
    expect(await run.exited).toBe(0);
    expect(run.screen()).toContain('nothing applied');
    expect(e2e.calls().some(writes)).toBe(false);
  });

  test('Ctrl-C at the question ends with 130 and applies nothing', async () => {
    const run = terminal(e2e, ['demo', 'web', 'deploy']);
    await run.waitFor('[y/N]');
    run.child.stdin.write('\u0003');
    expect(await run.exited).toBe(130);
    expect(run.screen()).toContain('v-auto: interrupted');
    expect(e2e.calls().some(writes)).toBe(false);
  });

  test('yes applies', async () => {
    const run = terminal(e2e, ['demo', 'web', 'deploy']);
    await run.waitFor('[y/N]');
    run.child.stdin.write('y\r');
    expect(await run.exited).toBe(0);
    expect(run.screen()).toContain('[SUCCESS] VirtualMachine web-02 (created)');
  });
});

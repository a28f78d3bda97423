// deploy --wait follows the objects with watches after its first poll, through the real kubectl against
// the simulator, and leaves no watch process behind however the wait ends.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { simulatorWatchers, startE2E, until, type E2E } from '../helpers/e2e.js';

/** The command lines of the processes still watching this simulator. */
const watchers = (e2e: E2E): string[] => simulatorWatchers(e2e.sim.kubeconfigPath);

const watchCalls = (calls: string[]) => calls.filter((c) => /^get --raw \S+watch=true/.test(c));

describe('deploy --wait from watches', () => {
  let e2e: E2E;
  afterEach(() => e2e.close());

  test('after one poll, one watch per kind from its list: no further polls, ready when the VMs are', async () => {
    // VMs that take a few steps to run: the first poll finds them pending.
    e2e = await startE2E({ timings: { importStepMs: 5, vmStepMs: 400 } });
    const r = await e2e.run(['demo', 'web', 'deploy', '--yes', '--wait', '120']);
    expect(r.stderr).toMatch(/^0\/2 ready/);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('all 2 instance(s) ready');
    const watches = watchCalls(r.calls);
    // Started side by side: in any order.
    expect(watches.map((c) => c.split(' ')[2].replace(/\?.*/, '')).sort()).toEqual([
      '/api/v1/namespaces/vm-demo/persistentvolumeclaims',
      '/apis/cdi.kubevirt.io/v1beta1/namespaces/vm-demo/datavolumes',
      '/apis/kubevirt.io/v1/namespaces/vm-demo/virtualmachineinstances',
      '/apis/kubevirt.io/v1/namespaces/vm-demo/virtualmachines',
    ]);
    // Each from the resourceVersion of its own list, with the spec's selector.
    for (const w of watches)
      expect(w).toMatch(
        /\?labelSelector=[^&]+&watch=true&resourceVersion=\d+&allowWatchBookmarks=true&timeoutSeconds=\d+ /,
      );
    // The first poll (one get of the four kinds), the follow's four lists, and nothing polled after.
    const reads = r.calls.filter((c) => /^get /.test(c) && !/watch=true/.test(c));
    const afterApply = reads.slice(
      reads.findIndex((c) => /^get virtualmachines\.v1\.kubevirt\.io,virtualmachineinstances/.test(c)),
    );
    expect(afterApply).toHaveLength(5);
    expect(watchers(e2e)).toEqual([]);
  });

  test('SIGTERM during the wait: exit 130 and the watches are ended with it', async () => {
    // Imports never finish: the wait goes on until it is ended.
    e2e = await startE2E({ timings: { importStepMs: 600_000, vmStepMs: 5 } });
    let stop: (() => void) | undefined;
    const running = e2e.run(
      ['demo', 'web', 'deploy', '--yes', '--wait', '300'],
      {},
      {
        started: (child) => (stop = () => child.kill('SIGTERM')),
      },
    );
    await until(() => watchers(e2e).length === 4, 60_000, 'the four watches');
    stop!();
    const r = await running;
    expect(r.code).toBe(130);
    await until(() => watchers(e2e).length === 0, 10_000, 'the watches to end');
  });

  test('time running out: exit 1 and no watch left', async () => {
    e2e = await startE2E({ timings: { importStepMs: 600_000, vmStepMs: 5 } });
    const r = await e2e.run(['demo', 'web', 'deploy', '--yes', '--wait', '3']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\ntimed out after 3 s; not ready: web-01/);
    expect(watchCalls(r.calls)).toHaveLength(4);
    await until(() => watchers(e2e).length === 0, 10_000, 'the watches to end');
  });

  test('an oc that is a wrapper script (kubectl its child, not exec-ed): the wait still ends when ready', async () => {
    e2e = await startE2E({ timings: { importStepMs: 5, vmStepMs: 400 } });
    // A shell that waits on kubectl dies of SIGTERM and leaves kubectl running, holding the pipes.
    const script = path.join(path.dirname(e2e.callLog), 'kubectl-child.sh');
    writeFileSync(script, `#!/bin/sh\n"${e2e.kubectl}" "$@"\n`, { mode: 0o755 });
    const r = await e2e.run(
      ['demo', 'web', 'deploy', '--yes', '--wait', '300'],
      { OC_WRAPPER_KUBECTL: script },
      {
        // Far below the watches' own end (timeoutSeconds, about 300 s): a run held by their pipes is killed.
        timeoutMs: 90_000,
      },
    );
    expect(r.signal).toBeNull();
    expect(r.code).toBe(0);
    expect(watchCalls(r.calls)).toHaveLength(4);
  });

  test('a user who may not watch: the wait polls as before and ends ready', async () => {
    e2e = await startE2E({ timings: { importStepMs: 5, vmStepMs: 400 } });
    e2e.sim.faults.forbidden = [{ verb: 'watch' }];
    const r = await e2e.run(['demo', 'web', 'deploy', '--yes', '--wait', '120']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('all 2 instance(s) ready');
    expect(watchCalls(r.calls).length).toBeGreaterThan(0);
    // Polls after the watches were refused.
    const polls = r.calls.filter((c) => /^get virtualmachines.*-o json/.test(c));
    expect(polls.length).toBeGreaterThan(1);
  });
});

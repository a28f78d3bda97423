// Odd terminals and signals on a terminal: no geometry hangs v-auto or floods it, a signal always ends it.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import {
  haveScript,
  onTerminal,
  ocWrapper,
  startE2E,
  until,
  writes,
  type E2E,
  type TerminalOptions,
} from '../helpers/e2e.js';

const describeTTY = haveScript ? describe : describe.skip;
if (!haveScript) console.warn('script(1) not found: terminal tests SKIPPED');

/** Cursor movement: what a redraw in place writes, and plain lines never do. */
const CURSOR_UP = /\u001b\[\d*A/;

/** bin/v-auto on a pseudo-terminal against the E2E's simulator; TERM names a terminal that can move the cursor. */
function terminal(e2e: E2E, args: string[], options: TerminalOptions = {}, password: string | null = 'pw') {
  return onTerminal(
    ['--home', e2e.home, '--oc', ocWrapper, '--kubeconfig', e2e.sim.kubeconfigPath, ...args],
    {
      HOME: e2e.home,
      TERM: 'xterm-256color',
      ...(password === null ? {} : { V_AUTO_PASSWORD: password }),
      OC_WRAPPER_KUBECTL: e2e.kubectl,
      OC_WRAPPER_LOG: e2e.callLog,
    },
    undefined,
    options,
  );
}

/** The terminal's modes as `stty -a` printed them after v-auto ended: echo and canonical input are back on. */
function restored(screen: string): boolean {
  const modes = screen.slice(screen.lastIndexOf('speed'));
  return /(^|\s)echo(\s|$)/.test(modes) && /(^|\s)icanon(\s|$)/.test(modes);
}

/** Exit code, or 'hung' when the run is still going after `ms` (it is then killed). */
async function exitWithin(run: ReturnType<typeof terminal>, ms: number): Promise<number | null | 'hung'> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), ms)));
  const code = await Promise.race([run.exited, hung]);
  clearTimeout(timer);
  if (code === 'hung') {
    run.signal('SIGKILL');
    await run.exited;
  }
  return code;
}

const locks = (e2e: E2E) =>
  readdirSync(path.join(e2e.home, 'projects', 'demo')).filter((f) => f.includes('.lock'));

describeTTY('deploy --wait on odd terminals', () => {
  let e2e: E2E;
  beforeAll(async () => {
    // Imports wait for the test (finishDeploy): on the clock, a loaded machine's first poll could
    // come after they were done, one frame and nothing to redraw.
    e2e = await startE2E({ timings: { importStepMs: 600_000, vmStepMs: 20 } });
  });
  /** Once the run has shown the instances not ready, lets every import and VM finish; its exit code. */
  async function finishDeploy(run: ReturnType<typeof terminal>) {
    await until(
      () => run.screen().includes('0/2 ready'),
      50_000,
      '"0/2 ready"',
      () => run.screen().slice(-2000),
    );
    await e2e.sim.settle();
    return exitWithin(run, 60_000);
  }
  /** Beyond the bounds above (Jest's default 30 s would cut a loaded run's 60 s short). */
  const TEST_MS = 120_000;
  afterEach(async () => {
    await e2e.run(['demo', 'web', 'delete', '--yes']);
  });
  afterAll(() => e2e.close());

  // 0×0 is what script(1) reports when started from a non-terminal, as a new user's first try was.
  test.each<[string, TerminalOptions['size']]>([
    ['0 columns and 0 rows (script started without a terminal)', undefined],
    ['1 column', { columns: 1, rows: 24 }],
    ['2 rows', { columns: 80, rows: 2 }],
  ])(
    '%s: it finishes with plain progress lines, no redraw, no flood',
    async (_, size) => {
      const run = terminal(e2e, ['demo', 'web', 'deploy', '--yes', '--wait', '60'], {
        size,
        maxBytes: 2_000_000,
      });
      expect(await finishDeploy(run)).toBe(0);
      expect(run.bytes()).toBeLessThan(20_000);
      expect(run.screen()).toContain('all 2 instance(s) ready');
      expect(run.screen()).toMatch(/^0\/2 ready; web-01: /m);
      expect(run.screen()).not.toMatch(CURSOR_UP);
    },
    TEST_MS,
  );

  test(
    'a usable terminal: a table of instance, VM state, disk progress and IP, redrawn in place',
    async () => {
      const run = terminal(e2e, ['demo', 'web', 'deploy', '--yes', '--wait', '60'], {
        size: { columns: 100, rows: 30 },
      });
      expect(await finishDeploy(run)).toBe(0);
      const screen = run.screen();
      expect(screen).toMatch(/INSTANCE +VM +PROGRESS +IP/);
      expect(screen).toMatch(CURSOR_UP);
      expect(screen).toMatch(/web-01 +Running +100\.0% +10\.215\.100\.101/);
      expect(screen).toMatch(/web-02 +Running +100\.0% +10\.215\.100\.102/);
      expect(screen).toContain('all 2 instance(s) ready');
      // Every drawn line fits the width: nothing wraps, so the redraw always lands on its own lines.
      const longest = Math.max(
        ...screen
          .replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '')
          .split(/\r?\n/)
          .map((l) => l.length),
      );
      expect(longest).toBeLessThan(100);
    },
    TEST_MS,
  );

  test(
    'a terminal narrower than the table: each line is clipped to the width',
    async () => {
      const run = terminal(e2e, ['demo', 'web', 'deploy', '--yes', '--wait', '60'], {
        size: { columns: 24, rows: 30 },
      });
      expect(await finishDeploy(run)).toBe(0);
      const screen = run.screen();
      expect(screen).toMatch(CURSOR_UP);
      expect(screen).toContain('INSTANCE');
      // The result lines (stdout) are not the live view's: only the view's lines are clipped. One
      // may follow the erase of the activity line on its row (`ESC[1A\rESC[J[SUCCESS] …`).
      const plain = (l: string) => l.replace(/\u001b\[[0-9;?]*[A-Za-z]|\r/g, '');
      const view = screen
        .split(/\r?\n/)
        .filter((l) => l.includes('\u001b[J') || /^(INSTANCE|web-0\d )/.test(l))
        .filter((l) => !/^\[[A-Z]+\] /.test(plain(l)));
      for (const line of view) expect(plain(line).length).toBeLessThan(24);
    },
    TEST_MS,
  );
});

describeTTY('signals on a terminal', () => {
  let e2e: E2E;
  beforeAll(async () => {
    // Imports never finish: --wait keeps polling until it is ended.
    e2e = await startE2E({ timings: { importStepMs: 600_000, vmStepMs: 20 } });
  });
  afterAll(() => e2e.close());

  test.each<[string, TerminalOptions['size']]>([
    ['0 columns', undefined],
    ['100 columns', { columns: 100, rows: 30 }],
  ])('SIGTERM during deploy --wait on %s: exit 130, no lock left', async (_, size) => {
    const run = terminal(e2e, ['demo', 'web', 'deploy', '--yes', '--wait', '300'], {
      size,
      maxBytes: 2_000_000,
    });
    try {
      await run.waitFor('0/2 ready');
    } finally {
      run.signal('SIGTERM');
    }
    expect(await exitWithin(run, 20_000)).toBe(130);
    expect(run.screen()).toContain('v-auto: interrupted');
    expect(locks(e2e)).toEqual([]);
    await e2e.run(['demo', 'web', 'delete', '--yes']);
  });

  test('SIGHUP (an ssh session that drops) during deploy --wait unwinds like SIGTERM: exit 130, no lock left', async () => {
    const run = terminal(e2e, ['demo', 'web', 'deploy', '--yes', '--wait', '300'], {
      size: { columns: 100, rows: 30 },
    });
    try {
      await run.waitFor('0/2 ready');
    } finally {
      run.signal('SIGHUP');
    }
    expect(await exitWithin(run, 20_000)).toBe(130);
    expect(locks(e2e)).toEqual([]);
    await e2e.run(['demo', 'web', 'delete', '--yes']);
  });

  test.each<NodeJS.Signals>(['SIGTERM', 'SIGINT', 'SIGHUP'])(
    '%s at the hidden password prompt: exit 130, terminal restored, nothing printed',
    async (sig) => {
      const run = terminal(
        e2e,
        ['demo', 'web', 'inspect', '-o', 'json', '--show-secrets'],
        { after: 'stty -a' },
        null,
      );
      try {
        await run.waitFor('Value for password: ');
      } finally {
        run.signal(sig);
      }
      expect(await exitWithin(run, 20_000)).toBe(130);
      expect(run.screen()).toContain('v-auto: interrupted');
      expect(run.screen()).not.toContain('"kind"');
      expect(restored(run.screen())).toBe(true);
    },
  );

  test('SIGTERM at the second prompt, after a value was typed: exit 130, nothing printed', async () => {
    const run = terminal(
      e2e,
      ['demo', 'web', 'inspect', '-o', 'json', '--show-secrets'],
      { after: 'stty -a' },
      null,
    );
    try {
      await run.waitFor('Value for password: ');
      run.child.stdin.write('Typed-Pa55word\r');
      await run.waitFor('Again, to confirm: ');
    } finally {
      run.signal('SIGTERM');
    }
    expect(await exitWithin(run, 20_000)).toBe(130);
    expect(run.screen()).not.toContain('"kind"');
    expect(run.screen()).not.toContain('Typed-Pa55word');
    expect(restored(run.screen())).toBe(true);
  });

  test('SIGTERM at the deploy question: exit 130, nothing applied', async () => {
    e2e.resetCalls();
    const run = terminal(e2e, ['demo', 'web', 'deploy']);
    try {
      await run.waitFor('[y/N]');
    } finally {
      run.signal('SIGTERM');
    }
    expect(await exitWithin(run, 20_000)).toBe(130);
    expect(run.screen()).toContain('v-auto: interrupted');
    expect(e2e.calls().some(writes)).toBe(false);
  });
});

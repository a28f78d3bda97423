// What the built CLI (build/v-auto.cjs, from `npm run build`) carries: nothing every start pays for and no output needs.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot, tempDir } from '../helpers/workspace.js';

const bundle = readFileSync(path.resolve('build/v-auto.cjs'), 'utf8');

test('no copy of string-width is bundled: its emoji regexes cost every start, and the help text is ASCII (lib/cli/text-width.ts)', () => {
  // The opening of emoji-regex's pattern, which string-width builds when its module loads.
  expect(bundle).not.toContain('[#*0-9]\\uFE0F?\\u20E3');
});

test("ip-num's index is not bundled: its IPNumber module builds IPv6 ranges as it loads (lib/plan/addresses.ts)", () => {
  // One of the IPv6 ranges IPNumber.js parses at load (IPv6.PRIVATE_RANGE).
  expect(bundle).not.toContain('fc00::/7');
});

describe('what a run has done when it starts its first oc', () => {
  const kubeconfig = path.join(tempDir('first-spawn-'), 'kubeconfig');
  // Never contacted: the preload ends the run at its first oc.
  const config = `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
`;
  writeFileSync(kubeconfig, config);

  function atFirstOc(step: string[]): { at: string; builtins: string[]; stdoutWrites: number } {
    const r = spawnSync(
      process.execPath,
      [
        '-r',
        path.join(repoRoot, 'test/fixtures/first-spawn.cjs'),
        path.join(repoRoot, 'bin/v-auto'),
        '--home',
        path.join(repoRoot, 'examples'),
        'demo',
        'web',
        ...step,
      ],
      {
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          KUBECONFIG: kubeconfig,
          V_AUTO_PASSWORD: 'pw',
        },
      },
    );
    const line = r.stderr.split('\n').find((l) => l.startsWith('{"at"'));
    if (!line) throw new Error(`no report from the run: ${r.stderr}`);
    return JSON.parse(line);
  }

  test.each([['deploy'], ['status'], ['diff'], ['delete', '--yes']])(
    '%s: none of https, tls, http (image-upload.ts, only when a file is uploaded)',
    (...step) => {
      const { at, builtins } = atFirstOc(step);
      expect(at).toMatch(/^spawn /);
      expect(builtins.filter((m) => /^(https|tls|_tls_wrap|_http_client|http)$/.test(m))).toEqual([]);
    },
  );

  test.each([['deploy'], ['status'], ['diff'], ['delete', '--yes']])(
    '%s: nothing written to stdout yet, not even an empty write',
    (...step) => {
      const { at, stdoutWrites } = atFirstOc(step);
      expect(at).toMatch(/^spawn /);
      expect(stdoutWrites).toBe(0);
    },
  );

  test.each([['deploy'], ['status'], ['diff'], ['delete', '--yes'], ['inspect']])(
    "%s: Node's ES module loader not started (bin/v-auto is CommonJS, node:module not loaded)",
    (...step) => {
      const { builtins } = atFirstOc(step);
      expect(builtins.filter((m) => /^internal\/modules\/esm\/loader$|^module$/.test(m))).toEqual([]);
    },
  );
});

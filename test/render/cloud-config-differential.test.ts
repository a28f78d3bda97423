// The differential test: the real `cloud-init schema -c FILE` and v-auto's own check judge the same
// cloud-configs (the corpus, the examples' rendered user-data, the README's), and v-auto refuses
// exactly what cloud-init refuses, but for what a later cloud-init accepts (the corpus's `later`).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { load } from 'js-yaml';
import { checkCloudConfig, PYYAML_SCHEMA } from '../../lib/render/cloud-config-schema.js';
import { CORPUS, type CorpusEntry } from '../helpers/cloud-config-corpus.js';
import { named, renderFor, repoRoot, secretText } from '../helpers/workspace.js';

const cloudInit = spawnSync('sh', ['-c', 'command -v cloud-init'], { encoding: 'utf8' }).stdout.trim();
// Without cloud-init the comparison cannot run: skipped on a laptop, a failure in CI (.ci/run installs it).
const withCloudInit = cloudInit || process.env.CI ? describe : describe.skip;
if (!cloudInit)
  console.warn('cloud-init is not installed: the differential test of the cloud-config check is SKIPPED');

/** What the example project renders for an instance's user-data (v-auto accepted it, or this throws). */
function exampleUserdata(spec: string): string {
  const dir = path.join(repoRoot, 'examples/projects/demo');
  const { manifests } = renderFor(
    {
      config: readFileSync(path.join(dir, 'config.yaml'), 'utf8'),
      spec: readFileSync(path.join(dir, 'specs', `${spec}.yaml`), 'utf8'),
      specName: spec,
    },
    { inputs: { password: 'example-password' } },
  );
  const secret = manifests.find((m) => m.kind === 'Secret' && m.metadata.name.endsWith('-cloud-init'))!;
  return secretText(named(manifests, 'Secret', secret.metadata.name), 'userdata');
}

/** The README's project: its config.yaml and spec blocks, rendered as deploy would. */
function readmeUserdata(): string {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```yaml\n([^`]*?)```/g)].map((m) => m[1]);
  const config = blocks.find((b) => b.includes('networks:') && b.includes('image:'))!;
  const spec = blocks.find((b) => b.includes('cloud_init: |'))!;
  const { manifests } = renderFor({ config, spec }, { inputs: { password: 'example-password' } });
  return secretText(named(manifests, 'Secret', 'web-01-cloud-init'), 'userdata');
}

interface Case extends CorpusEntry {
  text: string;
}
const cases: Case[] = [
  ...CORPUS.map((e) => ({ ...e, text: `#cloud-config\n${e.body}` })),
  { name: 'examples web.yaml, as rendered', body: '', text: exampleUserdata('web') },
  { name: 'examples db.yaml, as rendered', body: '', text: exampleUserdata('db') },
  { name: "README's spec, as rendered", body: '', text: readmeUserdata() },
];

/** cloud-init's verdict on its `schema -c` output and exit code: refused (1), and whether it printed a deprecation. */
const verdict = (code: number | null, out: string) => ({
  refused: code === 1,
  deprecated: /deprecations: \S/.test(out),
  code,
});

/** `cloud-init schema -c FILE` for each file, through cloud-init's own entry point in one process (the fixture). */
function cloudInitSaysEach(files: string[]) {
  const python = readFileSync(cloudInit, 'utf8')
    .split('\n')[0]
    .replace(/^#!\s*/, '');
  const r = spawnSync(
    python,
    [path.join(repoRoot, 'test/fixtures/guest/cloud-init-schema-each.py'), ...files],
    {
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`cloud-init-schema-each.py: ${r.stderr}`);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { code: number; out: string })
    .map((j) => verdict(j.code, j.out));
}

withCloudInit('cloud-init schema and v-auto judge alike', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'v-auto-cloud-config-'));
  const files = cases.map((c, i) => {
    const file = path.join(dir, `user-data-${i}`);
    writeFileSync(file, c.text);
    return file;
  });
  const verdicts = new Map<string, ReturnType<typeof verdict>>();
  beforeAll(() => cloudInitSaysEach(files).forEach((v, i) => verdicts.set(cases[i].name, v)), 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('the one-process runs say what the cloud-init command says (a refused, a deprecated, an accepted file)', () => {
    const picks = [
      cases.findIndex((c) => c.refused && !c.later),
      cases.findIndex((c) => c.deprecated),
      cases.findIndex((c) => !c.refused && !c.deprecated),
    ];
    for (const i of picks) {
      const r = spawnSync(cloudInit, ['schema', '-c', files[i]], { encoding: 'utf8' });
      expect(verdicts.get(cases[i].name)).toEqual(verdict(r.status, `${r.stdout}${r.stderr}`));
    }
  });

  test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const ours = checkCloudConfig(load(c.text, { schema: PYYAML_SCHEMA }) as Record<string, unknown>);
    const theirs = verdicts.get(c.name)!;
    if (c.applied) {
      // The schema refuses what the module applies as meant: a warning, never a stopped deploy.
      expect(theirs.refused).toBe(true);
      expect(ours.errors).toEqual([]);
      expect(ours.warnings.length).toBeGreaterThan(0);
      return;
    }
    if (c.later) {
      // 22.4.2 refuses what 26.2 accepts: v-auto must not stop a deploy for a newer guest.
      expect(theirs.refused).toBe(true);
      expect(ours.errors).toEqual([]);
      return;
    }
    expect(ours.errors.length > 0).toBe(theirs.refused);
    if (!theirs.refused) expect(ours.warnings.length > 0).toBe(theirs.deprecated || Boolean(c.unknownKey));
  });
});

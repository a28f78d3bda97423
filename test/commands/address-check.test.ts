import { inspectPrinted } from '../helpers/inspect.js';
import { ExitCode } from '../../lib/errors.js';
import type { Output } from '../../lib/report/output.js';
import { asyncErrorOf, IMAGE, LAN, repoRoot, tempDir, writeWorkspace } from '../helpers/workspace.js';

const quiet: Output = { out: () => {}, err: () => {}, isTTY: false, color: false };
const run = (home: string, project: string, spec: string) =>
  inspectPrinted(
    { home, project, spec, sets: [], output: 'yaml', showSecrets: false },
    { toolRoot: repoRoot, env: {}, output: quiet },
  );

describe('the workspace-wide address check at inspect', () => {
  const home = tempDir();
  writeWorkspace(home, {
    config: { networks: { lan: LAN, other: { ...LAN, nad_name: 'other', vlan: 200 } }, ...IMAGE },
    specs: {
      web: { network: 'lan', replicas: 2 },
      db: { network: 'other' },
      broken: { network: 'lan', replicas: 200 },
    },
  });
  writeWorkspace(home, {
    project: 'shop',
    config: { networks: { 'shop-lan': { ...LAN, nad_name: 'shop-lan' } }, ...IMAGE },
    specs: { front: { network: 'shop-lan' } },
  });

  test('a spec sharing an address with a spec of another project is exit 2, naming both', async () => {
    const err = await asyncErrorOf(() => run(home, 'demo', 'web'));
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toBe(
      'address conflict: 10.215.100.101 on lan: demo/web web-01 and shop/front front-01 (network shop-lan)',
    );
    // The same conflict, told the same way from the other side; the hint is for the spec being run.
    const other = await asyncErrorOf(() => run(home, 'shop', 'front'));
    expect(other.message).toBe(err.message);
    expect(other.hint).toMatch(
      /^give shop\/front addresses of its own on this segment: in projects\/shop\/specs\/front\.yaml attach it as \{name: shop-lan, offset: 103\} in the networks list/,
    );
  });

  test('a spec without conflicts still works, and one that fails its own planning blocks no other', async () => {
    expect(await run(home, 'demo', 'db')).toBe(ExitCode.OK);
    expect((await asyncErrorOf(() => run(home, 'demo', 'broken'))).message).toMatch(
      /^broken-155: address on network lan 10\.215\.100\.255 is the broadcast address/,
    );
  });

  test('a spec the check leaves out (it cannot be planned) is named in a warning with its reason', async () => {
    let err = '';
    const output: Output = { ...quiet, err: (text) => void (err += text) };
    const options = {
      home,
      project: 'demo',
      spec: 'db',
      sets: [],
      output: 'yaml' as const,
      showSecrets: false,
    };
    expect(await inspectPrinted(options, { toolRoot: repoRoot, env: {}, output })).toBe(ExitCode.OK);
    expect(err).toBe(
      'v-auto: warning: address check: demo/broken was left out, it cannot be planned (broken-155: address on network lan 10.215.100.255 is the broadcast address (10.215.100.0/24, offset 101)); what it plans is not compared, what it has deployed is still checked at deploy\n',
    );
  });

  test('the offset the hint names separates them', async () => {
    const fixed = tempDir();
    writeWorkspace(fixed, {
      config: { networks: { lan: LAN }, ...IMAGE },
      specs: { web: { network: 'lan', replicas: 2 }, api: { network: 'lan' } },
    });
    expect((await asyncErrorOf(() => run(fixed, 'demo', 'api'))).hint).toContain('{name: lan, offset: 103}');
    writeWorkspace(fixed, {
      config: { networks: { lan: LAN }, ...IMAGE },
      specs: { api: { networks: [{ name: 'lan', offset: 103 }] } },
    });
    expect(await run(fixed, 'demo', 'api')).toBe(ExitCode.OK);
    expect(await run(fixed, 'demo', 'web')).toBe(ExitCode.OK);
  });
});

test("a whole-project run plans each spec of the workspace once, though every spec's check plans them all", async () => {
  const home = tempDir();
  const specs = ['a', 'b', 'c', 'd'];
  writeWorkspace(home, {
    config: { networks: { lan: LAN }, ...IMAGE },
    // Each spec reads its own variable once per planning: the reads count the plannings.
    specs: Object.fromEntries(
      specs.map((s, i) => [
        s,
        { networks: [{ name: 'lan', offset: 101 + i }], labels: { owner: `env:OWNER_${s}` } },
      ]),
    ),
  });
  const reads = new Map<string, number>();
  const env = new Proxy({} as Record<string, string | undefined>, {
    get: (_target, name: string) =>
      name.startsWith('OWNER_') ? (reads.set(name, (reads.get(name) ?? 0) + 1), 'ops') : undefined,
  });
  // As main builds it: one cache for the run, handed to each spec's action in turn.
  const deps = { toolRoot: repoRoot, env, output: quiet, specPlans: new Map() };
  for (const spec of specs)
    expect(
      await inspectPrinted(
        { home, project: 'demo', spec, sets: [], output: 'yaml', showSecrets: false },
        deps,
      ),
    ).toBe(ExitCode.OK);
  expect(Object.fromEntries(reads)).toEqual(Object.fromEntries(specs.map((s) => [`OWNER_${s}`, 1])));
});

describe('one nad_name for two catalog entries in one namespace', () => {
  // DHCP entries: v-auto renders one shared NAD named nad_name in the namespace; two entries would
  // each render their own and the NAD would be "configured" back and forth on every run.
  const DHCP = { nad_name: 'lan', bridge: 'br-lan', vlan: 100 };

  test('two specs in one namespace attaching two entries with one nad_name is exit 2, naming both', async () => {
    const home = tempDir();
    writeWorkspace(home, {
      config: { networks: { lan: DHCP, lan2: { ...DHCP, vlan: 200 } }, ...IMAGE },
      specs: { web: { network: 'lan' }, db: { network: 'lan2' } },
    });
    const err = await asyncErrorOf(() => run(home, 'demo', 'web'));
    expect(err.exitCode).toBe(ExitCode.USAGE);
    expect(err.message).toBe(
      'nad_name lan in namespace vm-demo: catalog entries demo/lan (demo/web) and demo/lan2 (demo/db) would both render NetworkAttachmentDefinition lan',
    );
    expect(err.hint).toMatch(/give one of them another nad_name/);
    expect((await asyncErrorOf(() => run(home, 'demo', 'db'))).message).toBe(
      'nad_name lan in namespace vm-demo: catalog entries demo/lan2 (demo/db) and demo/lan (demo/web) would both render NetworkAttachmentDefinition lan',
    );
  });

  test('one spec attaching both is exit 2; the other entry in another namespace is not', async () => {
    const home = tempDir();
    writeWorkspace(home, {
      config: { networks: { lan: DHCP, lan2: { ...DHCP, vlan: 200 } }, ...IMAGE },
      specs: {
        both: { networks: ['lan', 'lan2'] },
        web: { network: 'lan' },
        api: { network: 'lan' },
        away: { network: 'lan2', namespace: 'elsewhere' },
      },
    });
    expect((await asyncErrorOf(() => run(home, 'demo', 'both'))).message).toBe(
      'nad_name lan in namespace vm-demo: catalog entries demo/lan (demo/both) and demo/lan2 (demo/both) would both render NetworkAttachmentDefinition lan',
    );
    // away attaches lan2 in another namespace: no clash there.
    expect(await run(home, 'demo', 'away')).toBe(ExitCode.OK);
  });
});

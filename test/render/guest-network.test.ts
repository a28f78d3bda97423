// The generated network-config as guests read it: cloud-init's own renderers (net-convert) for a guest
// with predictable NIC names and one with eth* names, then `netplan generate` on netplan's result.
// Each NIC must come out with its address, default route, DNS and MTU, under the name the guest gives it.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { load } from 'js-yaml';
import {
  IMAGE,
  LAN,
  named,
  renderFor,
  repoRoot,
  secretText,
  type SettingsFor,
} from '../helpers/workspace.js';

const which = (tool: string) =>
  spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
const cloudInit = which('cloud-init');
const netplan =
  which('netplan') ||
  (spawnSync('test', ['-x', '/usr/sbin/netplan']).status === 0 ? '/usr/sbin/netplan' : '');
const missing = [!cloudInit && 'cloud-init', !netplan && 'netplan (netplan.io)'].filter(Boolean);
// The interpreter cloud-init runs under (its shebang): the wrapper imports cloud-init's modules.
const python = cloudInit
  ? readFileSync(cloudInit, 'utf8')
      .split('\n')[0]
      .replace(/^#!\s*/, '')
      .split(' ')[0]
  : '';
const version = cloudInit
  ? (/(\d+)\.(\d+)/.exec(execFileSync(cloudInit, ['--version'], { encoding: 'utf8' }) + '') ?? ['', '0', '0'])
      .slice(1)
      .map(Number)
  : [0, 0];
const wrapper = path.join(repoRoot, 'test/fixtures/guest/net-convert-as-guest.py');

const CATALOG = {
  networks: {
    lan: LAN,
    storage: {
      nad_name: 'storage',
      bridge: 'br-st',
      vlan: 300,
      mtu: 9000,
      ipam: { range: '10.215.200.0/24', dns: ['10.215.200.53'] },
    },
    office: { nad_name: 'office', bridge: 'br-office' },
    pod: { type: 'pod' },
    // No DNS: cloud-init 22.3 to 24.3 stop on set-name beside nameservers (network-config.ts).
    named: {
      nad_name: 'named',
      bridge: 'br-named',
      guest_interface: 'lan0',
      ipam: { range: '10.215.100.0/24', gateway: '10.215.100.1' },
    },
  },
};

interface Nic {
  network: string;
  mac: string;
  /** The name the guest gives it: enp<k>s0 (predictable) or eth<k-1> (net.ifnames=0). */
  name: string;
  /** After set-name. */
  finalName: string;
}

/** What each NIC should get. */
interface Want {
  address?: string;
  gateway?: string;
  dns?: string[];
  mtu?: number;
  dhcp?: boolean;
}

function rendered(input: SettingsFor, scheme: 'predictable' | 'eth') {
  const { manifests } = renderFor({ config: CATALOG, ...input });
  const vm = named(manifests, 'VirtualMachine', 'web-01') as any;
  const text = secretText(named(manifests, 'Secret', 'web-01-cloud-init'), 'networkdata');
  const doc = load(text) as { ethernets: Record<string, any> };
  const nics: Nic[] = vm.spec.template.spec.domain.devices.interfaces.map((i: any, k: number) => {
    const name = scheme === 'predictable' ? `enp${k + 1}s0` : `eth${k}`;
    return {
      network: i.name,
      mac: i.macAddress,
      name,
      finalName: doc.ethernets[i.name]?.['set-name'] ?? name,
    };
  });
  return { text, nics };
}

function convert(text: string, nics: Nic[], renderer: string, distro: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `v-auto-guest-${renderer}-`));
  writeFileSync(path.join(dir, 'network-config'), text);
  const out = path.join(dir, 'out');
  execFileSync(
    python,
    [
      wrapper,
      nics.map((n) => `${n.name}=${n.mac}`).join(','),
      ...['-p', path.join(dir, 'network-config'), '-k', 'yaml', '-D', distro, '-O', renderer, '-d', out],
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return out;
}

const files = (dir: string) => {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
};
/** `Key=value` lines of an INI-like file, per section (a key may repeat). */
function ini(text: string): Map<string, [string, string][]> {
  const sections = new Map<string, [string, string][]>();
  let current = '';
  for (const line of text.split('\n')) {
    const section = /^\[(.+)\]$/.exec(line.trim());
    if (section) {
      current = section[1];
      if (!sections.has(current)) sections.set(current, []);
    } else if (/^[^#=\s][^=]*=/.test(line)) {
      const eq = line.indexOf('=');
      sections.get(current)?.push([line.slice(0, eq).trim(), line.slice(eq + 1).trim()]);
    }
  }
  return sections;
}
const get = (s: Map<string, [string, string][]>, section: string, key: string) =>
  (s.get(section) ?? []).filter(([k]) => k === key).map(([, v]) => v);

/** What a renderer's output gives each NIC, by its final name, in one shape. */
interface Seen {
  mac?: string;
  address?: string;
  gateway?: string;
  dns: string[];
  mtu?: number;
  dhcp: boolean;
  /** The metric of its default route (static), or the one its DHCP default route gets. */
  metric?: number;
  /** DHCP told not to install a default route. */
  noDefault?: boolean;
}

function networkd(dir: string): Map<string, Seen> {
  const seen = new Map<string, Seen>();
  for (const f of files(dir).filter((f) => f.endsWith('.network'))) {
    const s = ini(readFileSync(path.join(dir, f), 'utf8'));
    const name = get(s, 'Match', 'Name')[0];
    const gateway = get(s, 'Route', 'Gateway')[0] ?? get(s, 'Network', 'Gateway')[0];
    const dhcp = /ipv4|yes|true/.test(get(s, 'Network', 'DHCP')[0] ?? '');
    const mtu = get(s, 'Link', 'MTUBytes')[0];
    seen.set(name, {
      mac: get(s, 'Match', 'MACAddress')[0]?.toLowerCase(),
      address: get(s, 'Address', 'Address')[0] ?? get(s, 'Network', 'Address')[0],
      gateway,
      dns: get(s, 'Network', 'DNS').flatMap((d) => d.split(/\s+/)),
      mtu: mtu === undefined ? undefined : Number(mtu),
      dhcp,
      // systemd.network: a static route without Metric= has metric 0; DHCP routes 1024 unless RouteMetric=.
      metric: gateway
        ? Number(get(s, 'Route', 'Metric')[0] ?? 0)
        : dhcp
          ? Number(get(s, 'DHCPv4', 'RouteMetric')[0] ?? 1024)
          : undefined,
      noDefault: get(s, 'DHCPv4', 'UseRoutes')[0] === 'false',
    });
  }
  return seen;
}

function networkManager(dir: string): Map<string, Seen> {
  const seen = new Map<string, Seen>();
  for (const f of files(dir)) {
    const s = ini(readFileSync(path.join(dir, f), 'utf8'));
    const route = get(s, 'ipv4', 'route1')[0]?.split(',');
    const metric = get(s, 'ipv4', 'route-metric')[0];
    const dhcp = get(s, 'ipv4', 'method')[0] === 'auto';
    const mtu = get(s, 'ethernet', 'mtu')[0];
    // The connection applies to the NIC with this MAC whatever its name: key it by the MAC.
    const mac = get(s, 'ethernet', 'mac-address')[0]?.toLowerCase();
    seen.set(mac ?? f, {
      mac,
      address: get(s, 'ipv4', 'address1')[0],
      gateway: route?.[0] === '0.0.0.0/0' ? route[1] : get(s, 'ipv4', 'gateway')[0],
      dns: (get(s, 'ipv4', 'dns')[0] ?? '').split(';').filter(Boolean),
      mtu: mtu === undefined ? undefined : Number(mtu),
      dhcp,
      // NetworkManager's default route metric for an ethernet connection is 100.
      metric: metric === undefined ? 100 : Number(metric),
      noDefault: get(s, 'ipv4', 'never-default')[0] === 'true',
    });
  }
  return seen;
}

function sysconfig(dir: string): Map<string, Seen> {
  const seen = new Map<string, Seen>();
  for (const f of files(dir).filter((f) => f.startsWith('ifcfg-') && f !== 'ifcfg-lo')) {
    const kv = new Map(
      readFileSync(path.join(dir, f), 'utf8')
        .split('\n')
        .filter((l) => /^\w+=/.test(l))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).replace(/^"|"$/g, '')]),
    );
    const prefix = kv.get('PREFIX') ?? netmaskBits(kv.get('NETMASK'));
    seen.set(kv.get('DEVICE')!, {
      mac: kv.get('HWADDR')?.toLowerCase(),
      address: kv.get('IPADDR') && `${kv.get('IPADDR')}/${prefix}`,
      gateway: kv.get('DEFROUTE') === 'yes' ? kv.get('GATEWAY') : undefined,
      dns: [kv.get('DNS1'), kv.get('DNS2')].filter((d): d is string => Boolean(d)),
      mtu: kv.get('MTU') === undefined ? undefined : Number(kv.get('MTU')),
      dhcp: kv.get('BOOTPROTO') === 'dhcp',
      metric: kv.get('METRIC') === undefined ? undefined : Number(kv.get('METRIC')),
      noDefault: kv.get('DHCLIENT_SET_DEFAULT_ROUTE') === 'no' || kv.get('DEFROUTE') === 'no',
    });
  }
  return seen;
}

const netmaskBits = (mask?: string) =>
  mask === undefined
    ? undefined
    : mask.split('.').reduce((n, o) => n + Number(o).toString(2).replace(/0/g, '').length, 0);

/** netplan's own YAML (cloud-init passes v2 through), then `netplan generate` into networkd files. */
function netplanGenerate(root: string): Map<string, Seen> {
  const r = spawnSync(netplan, ['generate', '--root-dir', root], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`netplan generate failed: ${r.stderr}`);
  const dir = path.join(root, 'run/systemd/network');
  const seen = new Map<string, Seen>();
  for (const f of files(dir).filter((f) => f.endsWith('.network'))) {
    const s = ini(readFileSync(path.join(dir, f), 'utf8'));
    // netplan matches the NIC's permanent MAC: the one KubeVirt gives the virtio NIC.
    const mac = (
      get(s, 'Match', 'PermanentMACAddress')[0] ?? get(s, 'Match', 'MACAddress')[0]
    )?.toLowerCase();
    const routes = (s.get('Route') ?? []).length ? s : undefined;
    const gateway = routes ? get(s, 'Route', 'Gateway')[0] : get(s, 'Network', 'Gateway')[0];
    const dhcp = /ipv4|yes|true/.test(get(s, 'Network', 'DHCP')[0] ?? '');
    // MTU: netplan writes it into a .link file (for a match) and the .network's [Link].
    const mtu = get(s, 'Link', 'MTUBytes')[0];
    seen.set(mac ?? f, {
      mac,
      address: get(s, 'Network', 'Address')[0],
      gateway,
      dns: get(s, 'Network', 'DNS'),
      mtu: mtu === undefined ? undefined : Number(mtu),
      dhcp,
      metric: gateway
        ? Number(get(s, 'Route', 'Metric')[0] ?? 0)
        : dhcp
          ? Number(get(s, 'DHCP', 'RouteMetric')[0] ?? get(s, 'DHCPv4', 'RouteMetric')[0] ?? 1024)
          : undefined,
      noDefault: false,
    });
  }
  return seen;
}

const RENDERERS = [
  { renderer: 'netplan', distro: 'ubuntu', sub: 'etc/netplan' },
  { renderer: 'networkd', distro: 'ubuntu', sub: 'etc/systemd/network' },
  { renderer: 'network-manager', distro: 'rhel', sub: 'etc/NetworkManager/system-connections' },
  { renderer: 'sysconfig', distro: 'rhel', sub: 'etc/sysconfig/network-scripts' },
] as const;

const CASES: [string, SettingsFor, Record<string, Want>][] = [
  [
    'one static network',
    { spec: { ...IMAGE, network: 'lan' } },
    { lan: { address: '10.215.100.101/24', gateway: '10.215.100.1', dns: ['10.215.100.53'] } },
  ],
  [
    'DHCP first, static with the gateway, static with MTU and no gateway, pod network',
    { spec: { ...IMAGE, networks: ['office', 'lan', 'storage', 'pod'] } },
    {
      office: { dhcp: true },
      lan: { address: '10.215.100.101/24', gateway: '10.215.100.1', dns: ['10.215.100.53'] },
      storage: { address: '10.215.200.101/24', dns: ['10.215.200.53'], mtu: 9000 },
      pod: { dhcp: true },
    },
  ],
  [
    'a name asked for (guest_interface), beside the pod network',
    { spec: { ...IMAGE, networks: ['pod', 'named'] } },
    { pod: { dhcp: true }, named: { address: '10.215.100.101/24', gateway: '10.215.100.1' } },
  ],
];

const describeTools = missing.length && !process.env.CI ? describe.skip : describe;

test('cloud-init and netplan are here to check what guests receive', () => {
  if (!missing.length) return;
  const message = `${missing.join(' and ')} not found: the guest network checks cannot run (apt-get install cloud-init netplan.io; .ci/run installs them)`;
  // In CI this fails; elsewhere it says so loudly and the checks below are skipped, never passed.
  if (process.env.CI) throw new Error(message);
  console.warn(`SKIPPED: ${message}`);
});

describeTools.each(['predictable', 'eth'] as const)('a guest with %s NIC names', (scheme) => {
  describe.each(CASES)('%s', (_what, input, want) => {
    const { text, nics } = rendered(input, scheme);
    const byNetwork = new Map(nics.map((n) => [n.network, n]));
    const cleanup: string[] = [];
    afterAll(() => cleanup.forEach((d) => rmSync(path.dirname(d), { recursive: true, force: true })));

    const check = (seen: Map<string, Seen>, keyOf: (n: Nic) => string, renderer: string) => {
      for (const [network, w] of Object.entries(want)) {
        const nic = byNetwork.get(network)!;
        const got = seen.get(keyOf(nic));
        expect({ network, renderer, found: got !== undefined }).toEqual({ network, renderer, found: true });
        expect(got!.mac).toBe(nic.mac);
        if (w.address) expect(got!.address).toBe(w.address);
        if (w.dhcp) expect(got!.dhcp).toBe(true);
        expect(got!.gateway).toBe(w.gateway);
        if (w.dns) expect(got!.dns).toEqual(w.dns);
        expect(got!.mtu).toBe(w.mtu);
      }
    };
    /** The one static default route beats every DHCP default route (lower metric, or DHCP installs none). */
    const staticRouteWins = (seen: Map<string, Seen>) => {
      const statics = [...seen.values()].filter((s) => s.gateway);
      const dhcps = [...seen.values()].filter((s) => s.dhcp && !s.noDefault);
      expect(statics.length).toBeLessThanOrEqual(1);
      if (!statics.length) return;
      for (const d of dhcps) expect(statics[0].metric).toBeLessThan(d.metric!);
    };

    test.each(RENDERERS.filter((r) => r.renderer !== 'netplan'))(
      'cloud-init renders $renderer: each NIC under its guest name, with its settings',
      ({ renderer, distro, sub }) => {
        const out = convert(text, nics, renderer, distro);
        cleanup.push(out);
        const dir = path.join(out, sub);
        if (renderer === 'networkd') {
          const seen = networkd(dir);
          check(seen, (n) => n.finalName, renderer);
          staticRouteWins(seen);
        } else if (renderer === 'sysconfig') {
          const seen = sysconfig(dir);
          check(seen, (n) => n.finalName, renderer);
          staticRouteWins(seen);
        } else {
          const seen = networkManager(dir);
          // A connection per NIC, bound to its MAC, named after the guest's name for it.
          for (const n of nics) expect(files(dir)).toContain(`cloud-init-${n.finalName}.nmconnection`);
          check(seen, (n) => n.mac, renderer);
          const [major, minor] = version;
          // cloud-init writes a static default route's metric for NetworkManager from 24.4 on
          // (canonical/cloud-init d3b7e121, #5878); before, no metric reaches NetworkManager at all.
          if (major > 24 || (major === 24 && minor >= 4)) staticRouteWins(seen);
          else expect([...seen.values()].map((s) => s.metric)).toEqual([...seen.values()].map(() => 100));
        }
      },
    );

    test('cloud-init renders netplan, and netplan generate accepts it: each NIC by its MAC, with its settings', () => {
      const out = convert(text, nics, 'netplan', 'ubuntu');
      cleanup.push(out);
      const seen = netplanGenerate(out);
      check(seen, (n) => n.mac, 'netplan generate');
      staticRouteWins(seen);
    });
  });
});

// A known password goes through every action; it must show up nowhere but hashed, in the cloud-init Secret.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startSimulator, type Simulator } from '../sim/index.js';
import { RESOURCES } from '../sim/resources.js';
import {
  exampleHome,
  haveScript,
  onTerminal,
  runVAuto,
  stackLines,
  until,
  writes,
  type RunOutcome,
} from '../helpers/e2e.js';

/** A fixed password that every scan looks for. */
const PASSWORD = 'Hardening-Pa55word-7f3c9';

/** Everything a run left where a person or a log could read it. */
function transcript(r: RunOutcome): string {
  return [r.stdout, r.stderr, ...r.calls].join('\n');
}

/** Every object of every kind the simulator serves, with Secret data decoded. */
function allObjects(sim: Simulator): { id: string; text: string }[] {
  return RESOURCES.flatMap((rt) =>
    sim.list(rt.kind).map((o) => {
      const decoded =
        o.kind === 'Secret'
          ? Object.values((o.data ?? {}) as Record<string, string>).map((v) =>
              Buffer.from(v, 'base64').toString('utf8'),
            )
          : [];
      return {
        id: `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`,
        text: [JSON.stringify(o), ...decoded].join('\n'),
      };
    }),
  );
}

describe('secrets', () => {
  let sim: Simulator;
  let home: string;
  let dir: string;
  const v = (args: string[], env: Record<string, string> = {}) =>
    runVAuto(['--home', home, '--kubeconfig', sim.kubeconfigPath, ...args], {
      env: { V_AUTO_PASSWORD: PASSWORD, V_AUTO_DEBUG: '1', ...env },
    });

  beforeAll(async () => {
    sim = await startSimulator({ timings: { importStepMs: 5, vmStepMs: 5 } });
    ({ dir, home } = exampleHome());
  });
  afterAll(async () => {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('no output, debug log, error message or child argv of any action holds the password', async () => {
    const runs: [string, RunOutcome][] = [];
    const run = async (args: string[]) => {
      const r = await v(['demo', 'web', ...args]);
      runs.push([args.join(' '), r]);
      return r;
    };
    for (const o of ['table', 'yaml', 'json']) expect((await run(['inspect', '-o', o])).code).toBe(0);
    expect((await run(['deploy', '--dry-run'])).code).toBe(0);
    expect((await run(['deploy', '--yes'])).code).toBe(0);
    expect((await run(['deploy', '--yes'])).code).toBe(0);
    // An error that concerns the Secret itself.
    sim.faults.rejectCreate = [
      { kind: 'Secret', name: 'web-03-cloud-init', message: 'userdata rejected by policy' },
    ];
    const failed = await run(['deploy', '--yes', '--replicas', '3']);
    sim.faults.rejectCreate = [];
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('[FAILED] Secret web-03-cloud-init');
    await sim.settle();
    expect((await run(['status'])).code).toBe(0);
    expect((await run(['status', '-o', 'json'])).code).toBe(0);
    // Access errors, with debug on.
    sim.faults.unauthorized = true;
    expect((await run(['deploy', '--yes'])).code).toBe(3);
    sim.faults.unauthorized = false;

    const everything = runs.map(([, r]) => transcript(r)).join('\n');
    expect(everything).toContain('debug: '); // the debug log was on and is part of the scan
    expect(runs.flatMap(([, r]) => r.calls).length).toBeGreaterThan(8);
    for (const [what, r] of runs) {
      expect({ what, leaked: transcript(r).includes(PASSWORD) }).toEqual({ what, leaked: false });
      expect(stackLines(r.stderr)).toEqual([]);
    }
    // Masked output does not even carry the hash.
    for (const [what, r] of runs.filter(([w]) => w.startsWith('inspect') || w.includes('dry-run'))) {
      expect({ what, hash: r.stdout.includes('$6$') }).toEqual({ what, hash: false });
    }
    // Eleven runs one after another, each starting kubectl a few times: 13 s at load 7 on two
    // cores, too close to Jest's 30 s default; each run has its own bound (runVAuto's timeout).
  }, 180_000);

  test('the cloud-init Secrets are the only objects in the cluster with the hash, and none has the password', async () => {
    const objects = allObjects(sim);
    expect(objects.length).toBeGreaterThan(10);
    expect(objects.filter((o) => o.text.includes(PASSWORD)).map((o) => o.id)).toEqual([]);
    const withHash = objects
      .filter((o) => /\$6\$[^$]+\$[./A-Za-z0-9]{86}/.test(o.text))
      .map((o) => o.id)
      .sort();
    expect(withHash).toEqual(['Secret/vm-demo/web-01-cloud-init', 'Secret/vm-demo/web-02-cloud-init']);
  });

  test('delete with debug on does not print the password either', async () => {
    const r = await v(['demo', 'web', 'delete', '--yes']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[DELETED] Secret web-01-cloud-init');
    expect(transcript(r)).not.toContain(PASSWORD);
  });

  test('--show-secrets shows the userdata, with the hash and not the password', async () => {
    const r = await v(['demo', 'web', 'inspect', '-o', 'json', '--show-secrets']);
    expect(r.code).toBe(0);
    const secret = JSON.parse(r.stdout).items.find((m: { kind: string }) => m.kind === 'Secret');
    const userdata = Buffer.from(secret.data.userdata, 'base64').toString('utf8');
    expect(userdata).toMatch(/passwd: "\$6\$/);
    expect(userdata).not.toContain(PASSWORD);
  });

  test('a site template that puts the userdata outside data: still masked in inspect and --dry-run', async () => {
    mkdirSync(path.join(home, 'templates'), { recursive: true });
    const site = path.join(home, 'templates/secret.yaml.hbs');
    // {{userdata}} unquoted: its lines become fields of the Secret itself.
    writeFileSync(
      site,
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{json name}}\nstringData:\n  userdata: {{userdata}}\n',
    );
    const spec = path.join(home, 'projects/demo/specs/plain.yaml');
    writeFileSync(
      spec,
      'image_url: https://images.example.com/rhel9.qcow2\ncloud_init: |\n  #cloud-config\n  password: {{ password }}\n',
    );
    try {
      for (const args of [
        ['inspect', '-o', 'yaml'],
        ['inspect', '-o', 'json'],
        ['deploy', '--dry-run'],
      ]) {
        const r = await v(['demo', 'plain', ...args]);
        expect({ args, code: r.code }).toEqual({ args, code: 0 });
        expect(transcript(r)).not.toContain(PASSWORD);
      }
    } finally {
      rmSync(site);
      rmSync(spec);
    }
  });

  test('variables read by env:NAME never reach the environment of oc', async () => {
    const spec = path.join(home, 'projects/demo/specs/envpw.yaml');
    writeFileSync(
      spec,
      'image_url: https://images.example.com/rhel9.qcow2\nnetwork: pod\npassword: env:WEB_PW\ncloud_init: |\n  #cloud-config\n  password: "{{hash_password password}}"\n',
    );
    const envLog = path.join(dir, 'oc-env.log');
    writeFileSync(envLog, '');
    try {
      for (const action of [['deploy', '--yes'], ['status'], ['delete', '--yes']]) {
        const r = await v(['demo', 'envpw', ...action], { WEB_PW: PASSWORD, OC_WRAPPER_ENV_LOG: envLog });
        expect({ action, code: r.code }).toEqual({ action, code: 0 });
      }
      const seen = readFileSync(envLog, 'utf8');
      expect(seen).toContain('OC_WRAPPER_LOG='); // the log is the child's environment
      expect(seen).not.toMatch(/^WEB_PW=/m);
      expect(seen).not.toMatch(/^V_AUTO_/m);
      expect(seen).not.toContain(PASSWORD);
    } finally {
      rmSync(spec);
    }
  });

  test("a whole-project run (and a one-spec run) hides every spec's env: variables from its first oc call on", async () => {
    // db's calls must not carry web's password, nor web's db's, whichever spec runs first.
    const project = path.join(home, 'projects/envs');
    mkdirSync(path.join(project, 'specs'), { recursive: true });
    const spec = (variable: string) =>
      `image_url: https://images.example.com/rhel9.qcow2\nnetwork: pod\npassword: env:${variable}\ncloud_init: |\n  #cloud-config\n  password: "{{hash_password password}}"\n`;
    writeFileSync(path.join(project, 'config.yaml'), 'namespace: vm-envs\nnetworks: {pod: {type: pod}}\n');
    writeFileSync(path.join(project, 'specs/db.yaml'), spec('DB_PW'));
    writeFileSync(path.join(project, 'specs/web.yaml'), spec('WEB_PW'));
    const envLog = path.join(dir, 'oc-env-project.log');
    writeFileSync(envLog, '');
    try {
      // The same for a one-spec run with another spec's variable exported (one cron job for both).
      for (const action of [
        ['deploy', '--yes'],
        ['status'],
        ['web', 'status'],
        ['delete', '--all-specs', '--yes'],
      ]) {
        const r = await v(['envs', ...action], {
          WEB_PW: `${PASSWORD}-web`,
          DB_PW: `${PASSWORD}-db`,
          OC_WRAPPER_ENV_LOG: envLog,
        });
        expect({ action, code: r.code, stderr: r.stderr.includes('v-auto:') ? r.stderr : '' }).toEqual({
          action,
          code: 0,
          stderr: '',
        });
      }
      const seen = readFileSync(envLog, 'utf8');
      expect(seen.split(/^OC_WRAPPER_LOG=/m).length - 1).toBeGreaterThan(3);
      expect(seen).not.toMatch(/^(WEB|DB)_PW=/m);
      expect(seen).not.toContain(PASSWORD);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  test('what kubectl needs to connect stays in its environment: an unrelated HTTPS_PROXY, and one a spec also reads with env:', async () => {
    const spec = path.join(home, 'projects/demo/specs/envproxy.yaml');
    // The guest gets the same proxy as the admin's shell: the spec reads HTTPS_PROXY too.
    writeFileSync(
      spec,
      'image_url: https://images.example.com/rhel9.qcow2\nnetwork: pod\npassword: env:WEB_PW\nproxy: env:HTTPS_PROXY\ncloud_init: |\n  #cloud-config\n  password: "{{hash_password password}}"\n  write_files:\n    - path: /etc/profile.d/proxy.sh\n      content: "export https_proxy={{proxy}}"\n',
    );
    const envLog = path.join(dir, 'oc-env-proxy.log');
    writeFileSync(envLog, '');
    // The simulator is on 127.0.0.1, which Go's proxy support never proxies: these only need to reach kubectl.
    const proxies = {
      HTTPS_PROXY: 'http://proxy.example.internal:3128',
      NO_PROXY: '.cluster.local',
      http_proxy: 'http://proxy.example.internal:3128',
    };
    try {
      for (const action of [['deploy', '--yes'], ['status'], ['delete', '--yes']]) {
        const r = await v(['demo', 'envproxy', ...action], {
          WEB_PW: PASSWORD,
          OC_WRAPPER_ENV_LOG: envLog,
          ...proxies,
        });
        expect({ action, code: r.code }).toEqual({ action, code: 0 });
      }
      const seen = readFileSync(envLog, 'utf8');
      const calls = seen.split(/^OC_WRAPPER_LOG=/m).length - 1;
      expect(calls).toBeGreaterThan(2);
      for (const [name, value] of Object.entries(proxies))
        expect({ name, times: seen.split(`${name}=${value}\n`).length - 1 }).toEqual({ name, times: calls });
      expect(seen).not.toMatch(/^WEB_PW=/m);
    } finally {
      rmSync(spec);
    }
  });

  test('a broken site Secret template: the error names the line but never quotes user-data, an input or the hash', async () => {
    mkdirSync(path.join(home, 'templates'), { recursive: true });
    const site = path.join(home, 'templates/secret.yaml.hbs');
    writeFileSync(
      site,
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{json name}}\nstringData:\n  userdata: {{userdata}}\n',
    );
    const spec = path.join(home, 'projects/demo/specs/plain.yaml');
    for (const line of ['password: {{ password }}: [', 'hash: {{hash_password password}}: [']) {
      writeFileSync(
        spec,
        `image_url: https://images.example.com/rhel9.qcow2\nnetwork: pod\ncloud_init: |\n  #cloud-config\n  ${line}\n`,
      );
      for (const args of [
        ['deploy', '--yes'],
        ['inspect', '--show-secrets'],
      ]) {
        const r = await v(['demo', 'plain', ...args]);
        expect({ line, args, code: r.code }).toEqual({ line, args, code: 2 });
        // The user-data itself is no YAML: refused before the Secret template is even filled.
        // /m: the debug line of the read, which starts while the spec is checked, may come first
        expect(r.stderr).toMatch(
          /^v-auto: projects\/demo\/specs\/plain\.yaml: cloud_init: renders invalid YAML for plain-01 \(rendered line \d+, not shown: it may hold a secret\)/m,
        );
        expect(transcript(r)).not.toContain(PASSWORD);
        expect(r.stderr).not.toContain('$6$');
        expect(r.calls.filter(writes)).toEqual([]);
      }
    }
    rmSync(site);
    rmSync(spec);
  });

  test('without a terminal, a missing password exits 2 at once instead of waiting for input', async () => {
    // stdin stays open for as long as the run lasts: a run that waited for input would never end
    // on its own, and be killed (a signal) at the timeout, however loaded the machine.
    const r = await runVAuto(
      ['--home', home, '--kubeconfig', sim.kubeconfigPath, 'demo', 'web', 'deploy', '--yes'],
      { stdin: 'open', timeoutMs: 25_000 },
    );
    expect(r.signal).toBeNull();
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(
      'v-auto: cloud-init variable "password" has no value and there is no terminal to ask for it',
    );
    expect(r.stderr).toContain('hint: set the environment variable V_AUTO_PASSWORD');
    // The read may have started (it overlaps the spec's checks); nothing was written.
    expect(r.calls.filter(writes)).toEqual([]);
  });

  (haveScript ? test : test.skip)('on a terminal the password is asked twice and never echoed', async () => {
    const log = path.join(dir, 'pty.log');
    writeFileSync(log, '');
    // What the terminal shows lands in pty.log too, which the scans read.
    const term = onTerminal(
      ['--home', home, 'demo', 'web', 'inspect', '-o', 'json', '--show-secrets'],
      { HOME: dir },
      log,
    );
    await term.waitFor('Value for password: ');
    term.child.stdin.write(`${PASSWORD}\r`);
    await term.waitFor('Again, to confirm: ');
    term.child.stdin.write(`${PASSWORD}\r`);
    expect(await term.exited).toBe(0);
    expect(term.screen()).toContain('"kind": "Secret"');
    expect(term.screen()).not.toContain(PASSWORD);
  });

  /** Resolves once `text` has been shown `times` times (a prompt asked again shows it once more). */
  const shown = (term: ReturnType<typeof onTerminal>, text: string, times: number) =>
    until(() => term.screen().split(text).length - 1 >= times, 10_000, `${text} × ${times}`);

  (haveScript ? test : test.skip)(
    'two different entries ask again (up to three times) instead of ending the run',
    async () => {
      const log = path.join(dir, 'pty-retry.log');
      writeFileSync(log, '');
      const term = onTerminal(
        ['--home', home, 'demo', 'web', 'inspect', '-o', 'json', '--show-secrets'],
        { HOME: dir },
        log,
      );
      await shown(term, 'Value for password: ', 1);
      term.child.stdin.write(`${PASSWORD}\r`);
      await shown(term, 'Again, to confirm: ', 1);
      term.child.stdin.write(`${PASSWORD}-typo\r`);
      await shown(term, 'the two values differ; once more (2 of 3)', 1);
      await shown(term, 'Value for password: ', 2);
      term.child.stdin.write(`${PASSWORD}\r`);
      await shown(term, 'Again, to confirm: ', 2);
      term.child.stdin.write(`${PASSWORD}\r`);
      expect(await term.exited).toBe(0);
      expect(term.screen()).toContain('"kind": "Secret"');
      expect(term.screen()).not.toContain(PASSWORD);
    },
  );

  (haveScript ? test : test.skip)('three times two different entries: exit 2', async () => {
    const log = path.join(dir, 'pty-retry-3.log');
    writeFileSync(log, '');
    const term = onTerminal(['--home', home, 'demo', 'web', 'inspect', '--show-secrets'], { HOME: dir }, log);
    for (let i = 1; i <= 3; i++) {
      await shown(term, 'Value for password: ', i);
      term.child.stdin.write(`a${i}\r`);
      await shown(term, 'Again, to confirm: ', i);
      term.child.stdin.write(`b${i}\r`);
    }
    expect(await term.exited).toBe(2);
    expect(term.screen()).toContain('v-auto: the two values for password differ, three times');
  });
});

// An apply or create that kubectl stops before sending any object (OpenAPI down, a flag that kubectl lacks) is one
// exit-3 error with kubectl's reason, not a [FAILED] line per object; nothing is written. Run with the default kubectl
// and with 1.27, which still fetches /openapi/v2 first.
import { startE2E, type E2E } from '../helpers/e2e.js';
import { allKubectls, requireKubectl } from '../helpers/kubectl-binaries.js';

const KUBECTLS = [requireKubectl(), ...allKubectls().filter((k) => k.endsWith('kubectl.1.27'))];
const writes = (e2e: E2E) => e2e.sim.requests.filter((r) => r.method !== 'GET');

describe.each(KUBECTLS)('%s: deploy whose apply or create fails before sending anything', (kubectl) => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E({ kubectl });
  });
  afterAll(() => e2e.close());
  afterEach(() => {
    e2e.sim.faults.openapiUnavailable = false;
  });

  test("OpenAPI unavailable (503): exit 3 with kubectl's reason, no [FAILED] line, no write", async () => {
    e2e.sim.faults.openapiUnavailable = true;
    e2e.sim.clearRequests();
    const r = await e2e.run(['demo', 'web', 'deploy']);
    expect(r.code).toBe(3);
    // 1.29+ say it in apply's validation (failed to download openapi), 1.27 while fetching /openapi/v2.
    expect(r.stderr).toMatch(/^v-auto: .*the server is currently unable to handle the request/);
    expect(r.stdout).not.toContain('[FAILED]');
    expect(writes(e2e)).toEqual([]);
  });

  const noSuchFlag = { OC_WRAPPER_WRITE_FLAG: '--v-auto-test-no-such-flag' };

  test('a flag this kubectl does not have: exit 3 naming the flag, with the too-old hint', async () => {
    e2e.sim.clearRequests();
    // A first deploy: one create, headed by the new Namespace; kubectl stops before sending it.
    const r = await e2e.run(['demo', 'web', 'deploy'], noSuchFlag);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      'create failed before sending anything: unknown flag: --v-auto-test-no-such-flag',
    );
    expect(r.stderr).toMatch(/too old for v-auto/);
    expect(r.stdout).not.toContain('[FAILED]');
    expect(writes(e2e)).toEqual([]);
  });

  test('with the fault gone, the same deploy succeeds', async () => {
    const r = await e2e.run(['demo', 'web', 'deploy']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('9 succeeded, 0 skipped, 0 failed');
  });

  test('a change (an apply) with the flag: the same exit 3, nothing written', async () => {
    e2e.sim.clearRequests();
    const r = await e2e.run(['demo', 'web', 'deploy', '--set', 'cpu=4'], noSuchFlag);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      'apply failed before sending anything: unknown flag: --v-auto-test-no-such-flag',
    );
    expect(writes(e2e)).toEqual([]);
  });
});

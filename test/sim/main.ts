// Standalone simulator for the demo and manual runs: `npm run sim -- [--port N] [--import-ms N] [--vm-ms N] [--latency-ms N] [--gc-datavolumes] [--profile openshift|vanilla] [--image-mb S --link-mbps M] [--clone-ms N]`.
import { parseArgs } from 'node:util';
import { startSimulator } from './index.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      'import-ms': { type: 'string', default: '1000' },
      'vm-ms': { type: 'string', default: '1000' },
      // Added before every response, as a remote API server's round trip would be.
      'latency-ms': { type: 'string', default: '0' },
      'gc-datavolumes': { type: 'boolean', default: false },
      profile: { type: 'string', default: 'openshift' },
      namespace: { type: 'string', multiple: true },
      // Imports from one source (and uploads) share M Mbit/s for images of S MB.
      'image-mb': { type: 'string', default: '1024' },
      'link-mbps': { type: 'string' },
      'clone-ms': { type: 'string', default: '2000' },
    },
  });
  if (values.profile !== 'openshift' && values.profile !== 'vanilla')
    throw new Error(`--profile must be openshift or vanilla, not ${values.profile}`);
  const started = performance.now();
  const sim = await startSimulator({
    port: Number(values.port),
    timings: {
      importStepMs: Number(values['import-ms']),
      vmStepMs: Number(values['vm-ms']),
      cloneMs: Number(values['clone-ms']),
    },
    linkMbps: values['link-mbps'] === undefined ? undefined : Number(values['link-mbps']),
    imageMb: Number(values['image-mb']),
    gcDataVolumes: values['gc-datavolumes'],
    profile: values.profile,
    namespaces: values.namespace?.length ? values.namespace : undefined,
  });
  sim.faults.latencyMs = Number(values['latency-ms']);
  process.stdout.write(`export KUBECONFIG=${sim.kubeconfigPath}\n`);
  process.stdout.write(
    `# simulator (${values.profile} profile) listening on ${sim.url} (started in ${(performance.now() - started).toFixed(0)} ms); Ctrl-C stops it\n`,
  );
  process.stdout.write(
    `# CDI upload proxy: ${sim.uploadProxyUrl} (route cdi-uploadproxy in openshift-cnv)\n`,
  );
  const shutdown = (): void => {
    void sim.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err: Error) => {
  process.stderr.write(`v-auto simulator: ${err.message}\n`);
  process.exitCode = 1;
});

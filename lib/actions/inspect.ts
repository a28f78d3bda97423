// `inspect`: renders what deploy would apply and prints it; never runs oc.
import type { Output } from '../report/output.js';
import { inspectReport } from '../report/inspect-report.js';
import { manifestsAsJson, manifestsAsYaml } from '../report/manifest-output.js';
import { printPlanWarnings } from '../report/plan-warnings.js';
import { redactSecrets } from '../report/redact.js';
import { ExitCode } from '../errors.js';
import { prepareManifests, type PrepareDeps, type SpecOptions } from './prepare-manifests.js';

export interface InspectOptions extends SpecOptions {
  output: 'table' | 'yaml' | 'json';
  showSecrets: boolean;
}

export async function inspect(
  options: InspectOptions,
  deps: PrepareDeps & { output: Output },
): Promise<number> {
  // Masked output needs no secret values: never ask for them unless they will be shown.
  const prepared = await prepareManifests(options, deps, { placeholders: !options.showSecrets });
  printPlanWarnings(prepared.plan, deps.output);
  const manifests = options.showSecrets ? prepared.manifests : redactSecrets(prepared.manifests);
  if (options.output === 'yaml') deps.output.out(manifestsAsYaml(manifests));
  else if (options.output === 'json') deps.output.out(manifestsAsJson(manifests));
  else deps.output.out(inspectReport(prepared, options.sets));
  return ExitCode.OK;
}

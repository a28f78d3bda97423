// inspect as the CLI runs it: the action's result, its warnings on stderr and the output format on stdout.
import { inspect, type InspectOptions } from '../../lib/commands/inspect.js';
import type { PrepareDeps } from '../../lib/pipeline/prepare-manifests.js';
import { ExitCode } from '../../lib/errors.js';
import { printInspect } from '../../lib/report/inspect-report.js';
import type { Output } from '../../lib/report/output.js';
import { textReporter } from '../../lib/report/reporter.js';

export async function inspectPrinted(
  options: InspectOptions & { output: 'table' | 'yaml' | 'json' },
  deps: PrepareDeps & { output: Output },
): Promise<number> {
  const result = await inspect(options, deps);
  textReporter(deps.output).planWarnings(result.prepared.plan, result.prepared.warnings);
  deps.output.out(printInspect(result, options.output, options.sets));
  return ExitCode.OK;
}

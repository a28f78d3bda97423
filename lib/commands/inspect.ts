// `inspect`: renders what deploy would apply and prints it; never runs oc.
import type { Manifest, Prepared } from '../render/render-manifests.js';
import { redactSecrets } from '../report/redact.js';
import type { CommandOptions } from './definitions.js';
import { prepareManifests, type PrepareDeps, type SpecOptions } from '../pipeline/prepare-manifests.js';

/** The spec and inspect's own flags (--show-secrets), as FLAGS in ./definitions.ts declares them. */
export type InspectOptions = SpecOptions & CommandOptions<'inspect'>;

/** What inspect shows: the prepared spec, and its manifests with Secret values masked unless asked for. */
export interface InspectResult {
  prepared: Prepared;
  manifests: Manifest[];
}

export async function inspect(options: InspectOptions, deps: PrepareDeps): Promise<InspectResult> {
  // Masked output needs no secret values: never ask for them unless they will be shown.
  const prepared = await prepareManifests(options, deps, { placeholders: !options.showSecrets });
  const manifests = options.showSecrets ? prepared.manifests : redactSecrets(prepared.manifests);
  return { prepared, manifests };
}

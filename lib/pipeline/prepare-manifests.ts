// Shared front half of every action: workspace → settings → plan → inputs → manifests.
import path from 'node:path';
import { readTemplates } from '../config/load-workspace.js';
import type { Settings } from '../config/settings.js';
import { COMPUTED_VARIABLES } from '../config/rules.js';
import type { ConfigMap } from '../config/merge.js';
import { usageError } from '../errors.js';
import { byCreateOrder } from '../model/kinds.js';
import { selectTarget, type Plan } from '../plan/plan-instances.js';
import { cloudInitVariables, compileCloudInit } from '../render/cloud-init.js';
import { HELPER_NAMES } from '../render/handlebars-env.js';
import {
  compileTemplates,
  renderManifests,
  type Manifest,
  type Prepared,
  type TemplateSet,
} from '../render/render-manifests.js';
import { checkWorkspace, planSpec, type PlanDeps } from './workspace-plans.js';
import { withUnchecked } from '../plan/live-address-conflicts.js';

/** What every action needs to know about the spec it works on. */
export interface SpecOptions {
  home: string;
  project: string;
  spec: string;
  replicas?: number;
  target?: string;
  sets: string[];
}

/** The outside world this step may touch, injected so that tests can replace it. */
export interface PrepareDeps extends PlanDeps {
  toolRoot: string;
  /** Asks for a secret value without echo; undefined when there is no terminal to ask on. */
  promptSecret?: (question: string) => Promise<string>;
  /** Told the environment variables that `env:NAME` values read, so that no child process gets them. */
  hideEnv?: (names: string[]) => void;
}

/**
 * Loads, merges, validates and plans a spec; throws exit-2 errors before anything is rendered.
 * `plan` holds only --target's instance, `all` every instance (planned once, for both).
 */
export function prepareSettings(
  options: SpecOptions,
  deps: PrepareDeps,
): { settings: Settings; plan: Plan; all: Plan; siteTemplates: Record<string, string> } {
  const { settings, plan, siteTemplates } = planSpec(options, deps);
  deps.hideEnv?.(settings.envNames);
  return {
    settings,
    plan: options.target ? selectTarget(plan, options.target) : plan,
    all: plan,
    siteTemplates,
  };
}

/** A spec checked and ready to render: every configuration and template error has been thrown. */
export interface LoadedSpec {
  plan: Plan;
  templates: TemplateSet;
  specLabel: string;
}

/** Loads, plans and compiles the templates: the exit-2 checks that need no input values. */
export function loadSpec(options: SpecOptions, deps: PrepareDeps): LoadedSpec {
  return checkSpec(prepareSettings(options, deps), options, deps);
}

/**
 * The rest of loadSpec once the spec is planned (its namespace known, so that a caller may start
 * its reads first): the workspace's address check and the templates compiled.
 */
export function checkSpec(
  planned: ReturnType<typeof prepareSettings>,
  options: SpecOptions,
  deps: PrepareDeps,
): LoadedSpec {
  const checked = checkSpecAgainstCluster(planned, options, deps);
  if ('refuse' in checked) throw checked.refuse();
  return checked.loaded;
}

/**
 * checkSpec for a caller that reads the cluster: a workspace conflict comes back as `refuse`, to be
 * told with what is deployed (workspace-plans.ts checkWorkspace).
 */
export function checkSpecAgainstCluster(
  { plan, all, siteTemplates }: ReturnType<typeof prepareSettings>,
  options: SpecOptions,
  deps: PrepareDeps,
):
  | (Required<Pick<ReturnType<typeof checkWorkspace>, 'refuse'>> &
      Pick<ReturnType<typeof checkWorkspace>, 'asksCluster'>)
  | { loaded: LoadedSpec } {
  // Every address this spec plans (all instances, not only --target) against the whole workspace.
  const { refuse, asksCluster, leftOut } = checkWorkspace(options.home, deps, {
    project: options.project,
    spec: options.spec,
    plan: all,
  });
  if (refuse) return { refuse, asksCluster };
  const templates = compileTemplates(readTemplates(path.join(deps.toolRoot, 'templates')), siteTemplates);
  return {
    loaded: {
      plan: withUnchecked(plan, leftOut),
      templates,
      specLabel: `projects/${options.project}/specs/${options.spec}.yaml`,
    },
  };
}

/** A spec whose inputs are resolved and whose first instance rendered: nothing can fail on bad input any more. */
export interface StagedSpec extends Omit<Prepared, 'manifests'> {
  /** Every manifest in apply order; the first instance's are not rendered again. */
  render(): Manifest[];
  /** The manifests of some instances of the plan, rendered again (shared NADs left out), with the same inputs. */
  renderInstances(instances: Plan['instances']): Manifest[];
}

/**
 * Resolves the inputs and renders the first instance, which proves the templates work: after it
 * only the cluster can fail, so a caller may start its reads before `render()` does the rest
 * (password hashing makes that the slow part of a large deploy). `placeholders`: the output will
 * have its Secrets masked (inspect), so inputs are never asked for and passwords are not hashed.
 */
export async function stageSpec(
  spec: LoadedSpec,
  deps: PrepareDeps,
  mode: { placeholders?: boolean } = {},
): Promise<StagedSpec> {
  const { plan, templates, specLabel } = spec;
  const missing = missingInputs(plan.settings);
  const placeholders = mode.placeholders
    ? missing.filter((v) => deps.env[inputEnvName(v)] === undefined)
    : [];
  const inputs = await resolveInputs(
    missing.filter((v) => !placeholders.includes(v)),
    plan.settings,
    deps,
  );
  for (const v of placeholders) inputs[v] = `<input: ${v}>`;
  // Compiled once for both parts: the rest reuses the first instance's password hashes.
  const cloudInit = compileCloudInit(plan, specLabel);
  const renderSome = (part: Plan) =>
    renderManifests(part, templates, inputs, specLabel, { maskSecrets: mode.placeholders, cloudInit });
  const first = renderSome({ ...plan, instances: plan.instances.slice(0, 1) });
  const visible = { ...inputs };
  for (const v of placeholders) delete visible[v];
  return {
    plan,
    inputs: visible,
    placeholders,
    // Filled as the instances render: complete once render() has run.
    warnings: cloudInit.warnings,
    renderInstances: (instances) => renderSome({ ...plan, instances, sharedNads: [] }),
    render: () => {
      if (plan.instances.length <= 1) return first;
      const rest = renderSome({
        ...plan,
        instances: plan.instances.slice(1),
        sharedNads: [],
        golden: undefined,
      });
      // Both parts are in apply order by kind; a stable sort by kind merges them into one.
      return [...first, ...rest].sort(byCreateOrder);
    },
  };
}

/** The manifests of a loaded spec. */
export async function renderSpec(
  spec: LoadedSpec,
  deps: PrepareDeps,
  mode: { placeholders?: boolean } = {},
): Promise<Prepared> {
  const { render, renderInstances: _again, ...staged } = await stageSpec(spec, deps, mode);
  return { ...staged, manifests: render() };
}

/** Everything up to the cluster boundary: the manifests `deploy` would apply. */
export async function prepareManifests(
  options: SpecOptions,
  deps: PrepareDeps,
  mode: { placeholders?: boolean } = {},
): Promise<Prepared> {
  return renderSpec(loadSpec(options, deps), deps, mode);
}

/** The environment variable that may hold a template input. */
export function inputEnvName(variable: string): string {
  return `V_AUTO_${variable.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** Variables the templates read but no configuration layer defines. */
function missingInputs(settings: Settings): string[] {
  return [...cloudInitVariables(settings.variables)].filter(
    (v) =>
      !Object.hasOwn(settings.variables, v) && !COMPUTED_VARIABLES.includes(v) && !HELPER_NAMES.includes(v),
  );
}

/** Values for missing variables: environment first, then a hidden prompt, else a usage error. */
async function resolveInputs(missing: string[], settings: Settings, deps: PrepareDeps): Promise<ConfigMap> {
  const inputs: ConfigMap = {};
  for (const variable of missing) {
    // The spec named where the value comes from (`env:NAME`): say that, not the general ways.
    if (settings.unsetEnv[variable]) throw usageError(settings.unsetEnv[variable]);
    const envName = inputEnvName(variable);
    const fromEnv = deps.env[envName];
    // An empty value is a mistake (`V_AUTO_PASSWORD="$(cat missing-file)"`), never a password.
    if (fromEnv === '')
      throw usageError(
        `${envName} is set but empty`,
        `put the value of ${variable} in ${envName}, or unset it to be asked on a terminal`,
      );
    if (fromEnv !== undefined) inputs[variable] = fromEnv;
    else if (deps.promptSecret) inputs[variable] = await deps.promptSecret(variable);
    else {
      // Not --set: a value on the command line is visible to every local user in the process list.
      throw usageError(
        `cloud-init variable "${variable}" has no value and there is no terminal to ask for it`,
        `set the environment variable ${envName}, or run on a terminal to be asked for it`,
      );
    }
  }
  return inputs;
}

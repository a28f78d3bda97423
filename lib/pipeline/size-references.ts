// Deploy's check that the instance type and preference a spec names exist on the cluster, before anything is sent.
import type { K8sObject } from '../cluster/k8s-object.js';
import type { SizeReference, Settings } from '../config/settings.js';
import { didYouMean } from '../config/did-you-mean.js';
import { usageError } from '../errors.js';

const MAX_LISTED = 60;

function references(s: Settings): { key: 'instancetype' | 'preference'; ref: SizeReference }[] {
  return (['instancetype', 'preference'] as const).flatMap((key) => (s[key] ? [{ key, ref: s[key]! }] : []));
}

/** The kinds to read for this spec's references: none when it names no instance type or preference. */
export function referencedKinds(s: Settings): string[] {
  return [...new Set(references(s).map((r) => r.ref.kind))];
}

/**
 * Throws exit 2 naming each missing reference and listing the objects of its kind that exist. On
 * OpenShift 4.16–4.19 (KubeVirt 1.2–1.5) the VM webhook would deny the VM; on 4.20 (KubeVirt 1.6) it
 * is stored and never starts (kubevirt/kubevirt@02aecb1f): either way, it is better said before.
 */
export function checkSizeReferences(s: Settings, found: K8sObject[]): void {
  const problems: string[] = [];
  let hint: string | undefined;
  for (const { key, ref } of references(s)) {
    const names = found
      .filter((o) => o.kind === ref.kind)
      .map((o) => o.metadata.name)
      .sort();
    if (names.includes(ref.name)) continue;
    const near = didYouMean(ref.name, names);
    const scope = ref.kind.includes('Cluster') ? 'on the cluster' : `in namespace ${s.namespace}`;
    problems.push(
      `${key} "${ref.name}": no ${ref.kind} of that name ${scope}${near ? ` (did you mean "${near}"?)` : ''}`,
    );
    const shown =
      names.length > MAX_LISTED
        ? `${names.slice(0, MAX_LISTED).join(', ')}, … (${names.length} in all)`
        : names.join(', ');
    const line = names.length ? `${ref.kind}s that exist: ${shown}` : `there are no ${ref.kind}s ${scope}`;
    hint = hint ? `${hint}\n${line}` : line;
  }
  if (problems.length) throw usageError(problems.join('\n'), hint);
}

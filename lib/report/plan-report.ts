// The change plan as people and scripts read it: the summary line, one line per change, a field diff, JSON.
import type { Change, ChangePlan } from '../changes/plan-changes.js';
import type { FieldChange } from '../changes/field-diff.js';

/** `+4 create  ~3 update (2 need a restart)  =8 unchanged  -2 surplus` */
export function planSummary(plan: ChangePlan): string {
  const c = plan.counts;
  const parts = [
    `+${c.create} create`,
    `~${c.update} update${c.restart ? ` (${c.restart} need${c.restart === 1 ? 's' : ''} a restart)` : ''}`,
    `=${c.unchanged + c.imported} unchanged`,
  ];
  if (c.surplus) parts.push(`-${c.surplus} surplus`);
  if (c.terminating) parts.push(`!${c.terminating} being deleted`);
  return parts.join('  ');
}

/** One line per object that changes (create, update, surplus), with the changed fields of each update. */
export function planLines(plan: ChangePlan): string[] {
  const lines: string[] = [];
  for (const c of plan.changes) {
    if (c.action === 'create') lines.push(`  + ${c.kind} ${c.name}`);
    else if (c.action === 'update') {
      const effect =
        c.vm === 'restart'
          ? ` (needs a restart${c.restartReason ? `: ${c.restartReason}` : ''})`
          : c.vm === 'live'
            ? ' (applied live)'
            : '';
      lines.push(
        `  ~ ${c.kind} ${c.name}${c.adopt ? " (adopted: gets this spec's labels)" : ''}${effect}: ${c.fields!.map(fieldSummary).join(', ')}`,
      );
      for (const r of c.reasons ?? []) lines.push(`      why: ${r}`);
    } else if (c.action === 'surplus')
      lines.push(`  - ${c.kind} ${c.name} (not planned; deploy --prune deletes it)`);
    else if (c.action === 'terminating') lines.push(`  ! ${c.kind} ${c.name} (${terminatingWords(c)})`);
    for (const k of c.kept ?? []) lines.push(`  = ${c.kind} ${c.name} kept: ${k}`);
  }
  return lines;
}

/** `being deleted since …; deploy waits for it to go, then creates it again` */
export function terminatingWords(c: Change): string {
  return `being deleted since ${c.deleting}; deploy waits for it to go, then creates it again`;
}

/** `spec.template.spec.domain.cpu.cores 2 → 4`, and for Secret data `data.userdata changed`. */
export function fieldSummary(f: FieldChange): string {
  if (f.secret) {
    if (f.before === undefined) return `${f.path} added`;
    if (f.after === undefined) return `${f.path} removed`;
    return `${f.path} changed`;
  }
  if (f.after === undefined) return `${f.path} removed`;
  if (f.before === undefined) return `${f.path} set to ${short(f.after)}`;
  return `${f.path} ${short(f.before)} → ${short(f.after)}`;
}

function short(v: unknown): string {
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** `web-04, web-05 exist but the spec plans 3 (run deploy --prune to delete them)`, and other unplanned objects. */
export function surplusNotices(plan: ChangePlan, planned: number): string[] {
  const notices: string[] = [];
  if (plan.surplusInstances.length) notices.push(surplusLine(plan.surplusInstances, planned));
  const stray = plan.changes.filter(
    (c) => c.action === 'surplus' && !(c.instance && plan.surplusInstances.includes(c.instance)),
  );
  if (stray.length)
    notices.push(
      `${stray.map((c) => `${c.kind} ${c.name}`).join(', ')}: no longer planned by the spec (run deploy --prune to delete)`,
    );
  return notices;
}

/** `web-04, web-05 exist but the spec plans 3 (run deploy --prune to delete them)`: deploy's and status's words. */
export function surplusLine(instances: string[], planned: number): string {
  const one = instances.length === 1;
  return `${instances.join(', ')} exist${one ? 's' : ''} but the spec plans ${planned} (run deploy --prune to delete ${one ? 'it' : 'them'})`;
}

/**
 * Per object, the difference between the cluster and the spec, the way `kubectl diff` reads:
 * `-` is the live value, `+` the spec's. Secret values never appear, only their sizes.
 */
export function diffText(plan: ChangePlan): string {
  const blocks: string[] = [];
  for (const c of plan.changes) {
    if (c.action === 'create')
      blocks.push(`--- cluster/${c.kind}/${c.name} (absent)\n+++ spec/${c.kind}/${c.name}\n+ (created)`);
    else if (c.action === 'update' || c.kept?.length)
      blocks.push(
        `--- cluster/${c.kind}/${c.name}\n+++ spec/${c.kind}/${c.name}\n${[...(c.fields ?? []).map(fieldLines), ...(c.reasons ?? []).map((r) => `# why: ${r}`), ...(c.kept ?? []).map((k) => `= kept: ${k}`)].join('\n')}`,
      );
    else if (c.action === 'surplus')
      blocks.push(
        `--- cluster/${c.kind}/${c.name}\n+++ spec/${c.kind}/${c.name} (not planned)\n- (surplus: deploy --prune deletes it)`,
      );
    else if (c.action === 'terminating')
      blocks.push(`--- cluster/${c.kind}/${c.name}\n+++ spec/${c.kind}/${c.name}\n! ${terminatingWords(c)}`);
    else if (c.action === 'foreign')
      blocks.push(
        `--- cluster/${c.kind}/${c.name} (owned by: ${c.owner})\n+++ spec/${c.kind}/${c.name}\n! not this spec's object: deploy will refuse it`,
      );
  }
  return blocks.length ? `${blocks.join('\n')}\n` : '';
}

function fieldLines(f: FieldChange): string {
  if (f.secret) return `~ ${fieldSummary(f)}`;
  const lines: string[] = [];
  if (f.before !== undefined) lines.push(`- ${f.path}: ${JSON.stringify(f.before)}`);
  if (f.after !== undefined) lines.push(`+ ${f.path}: ${JSON.stringify(f.after)}`);
  return lines.join('\n');
}

/** The plan as one JSON document (no live objects, no manifests: Secret values stay out). */
export function planDocument(
  plan: ChangePlan,
  at: { project: string; spec: string; namespace: string },
): string {
  const entry = (c: Change) => ({
    action: c.action,
    kind: c.kind,
    name: c.name,
    ...(c.fields ? { fields: c.fields } : {}),
    ...(c.vm ? { vm: c.vm } : {}),
    ...(c.adopt ? { adopt: true } : {}),
    ...(c.owner ? { owner: c.owner, adoptable: c.adoptable } : {}),
    ...(c.notices ? { notices: c.notices } : {}),
    ...(c.kept ? { kept: c.kept } : {}),
    ...(c.restartReason ? { restartReason: c.restartReason } : {}),
    ...(c.reasons ? { reasons: c.reasons } : {}),
    ...(c.deleting ? { deleting: c.deleting } : {}),
  });
  const inSync = plan.changes.every((c) => c.action === 'unchanged' || c.action === 'imported');
  return `${JSON.stringify({ ...at, inSync, summary: plan.counts, surplusInstances: plan.surplusInstances, changes: plan.changes.map(entry) }, null, 2)}\n`;
}

/** `diff`'s output: the field diff and a summary line, or under `-o json` the plan as one document. */
export function diffOutput(
  result: {
    scope: { project: string; spec: string; namespace: string };
    changes: ChangePlan;
    planned: number;
    pending: boolean;
  },
  format: 'table' | 'yaml' | 'json',
): string {
  const { scope, changes } = result;
  if (format === 'json') return planDocument(changes, scope);
  const notices = surplusNotices(changes, result.planned).map((n) => `${n}\n`);
  return `${diffText(changes)}${notices.join('')}${scope.project}/${scope.spec} in namespace ${scope.namespace}: ${result.pending ? planSummary(changes) : 'in sync'}\n`;
}

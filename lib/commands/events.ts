// The events about a set of objects (and their launcher pods), as status and --wait show them.
import { byText } from '../text-order.js';
import type { K8sObject } from '../cluster/k8s-object.js';
import type { StatusEvent } from '../report/status-report.js';

const MAX_EVENTS = 15;

type EventObject = K8sObject & {
  involvedObject?: { kind: string; name: string };
  lastTimestamp?: string;
  eventTime?: string;
  type?: string;
  reason?: string;
  message?: string;
};

/** Events about our objects (and their launcher pods), Warnings first, newest first, at most 15. */
export function relevantEvents(events: EventObject[], objects: K8sObject[]): StatusEvent[] {
  const ours = new Set(objects.map((o) => `${o.kind}/${o.metadata.name}`));
  const time = (e: EventObject) => e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp ?? '';
  return events
    .filter((e) => e.involvedObject && ours.has(`${e.involvedObject.kind}/${e.involvedObject.name}`))
    .sort((a, b) => Number(b.type === 'Warning') - Number(a.type === 'Warning') || byText(time(b), time(a)))
    .slice(0, MAX_EVENTS)
    .map((e) => ({
      type: e.type ?? 'Normal',
      time: time(e),
      object: `${e.involvedObject!.kind}/${e.involvedObject!.name}`,
      reason: e.reason ?? '',
      message: e.message ?? '',
    }));
}

// A send of objects in calls that tells the reporter how far it got: `applying 412/800 objects`.
import type { Reporter } from '../report/reporter.js';

/**
 * `send`, saying `VERB N/TOTAL objects` as the activity before the first call and after each
 * call ends (sent or failed): with --parallel the count moves as each concurrent oc call returns.
 */
export function countedSend<T, R>(
  report: Reporter,
  verb: string,
  total: number,
  send: (items: T[]) => Promise<R>,
): (items: T[]) => Promise<R> {
  let done = 0;
  report.activity(`${verb} 0/${total} objects`);
  return async (items) => {
    try {
      return await send(items);
    } finally {
      done += items.length;
      report.activity(`${verb} ${done}/${total} objects`);
    }
  };
}

// Orders for the names v-auto sorts (instances, VMs, specs, networks, MACs, timestamps): all ASCII, so
// compared without Intl/ICU, whose first collation costs ~8-13 ms of a run on this machine's Node 20
// (ICU loads its collation data then; measured 2026-12-07, docs/performance.md). Kubernetes names are
// lower case and take code-unit order; project and spec names are folder and file names, which may
// have capitals, and take the case-folded order.

/** Code-unit order: for DNS labels, MACs and RFC 3339 timestamps it is the order ICU gives them. */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Case-folded, then by code unit: a project "Shop" sorts between "api" and "web", as a person lists them. */
export function byFoldedText(a: string, b: string): number {
  return byText(a.toLowerCase(), b.toLowerCase()) || byText(a, b);
}

const RUNS = /\d+|\D+/g;

/**
 * Natural order, digit runs by value: web-2 before web-10, as localeCompare(b, 'en', { numeric: true })
 * orders lower-case DNS labels (a test compares the two over generated names). Equal values with
 * different leading zeros (web-01, web-1) are ordered by code unit, so the order is total.
 */
export function byNumberedName(a: string, b: string): number {
  const x = a.match(RUNS) ?? [];
  const y = b.match(RUNS) ?? [];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const [p, q] = [x[i], y[i]];
    if (p === q) continue;
    const digits = isDigit(p) && isDigit(q);
    if (!digits) return byText(p, q);
    const [u, v] = [p.replace(/^0+(?=\d)/, ''), q.replace(/^0+(?=\d)/, '')];
    if (u.length !== v.length) return u.length - v.length;
    if (u !== v) return byText(u, v);
  }
  return x.length - y.length || byText(a, b);
}

const isDigit = (run: string) => run.charCodeAt(0) >= 48 && run.charCodeAt(0) <= 57;

import { byFoldedText, byNumberedName, byText } from '../lib/text-order.js';

// Names as v-auto sorts them: DNS labels with numbered instances, MACs, timestamps.
function corpus(): string[] {
  const names: string[] = [];
  for (const prefix of ['web', 'web-db', 'a', 'api2', 'x-1-y', 'db'])
    for (const n of [0, 1, 2, 9, 10, 11, 99, 100, 101, 1000])
      for (const width of [1, 2, 3]) names.push(`${prefix}-${String(n).padStart(width, '0')}`);
  names.push(
    'web',
    'web-',
    'web-01-rootdisk',
    'web-1-lan',
    'web-10-lan',
    '0a:58:0a:d7:64:65',
    '0a:58:0a:d7:64:0b',
  );
  names.push('2026-12-07T06:22:38Z', '2026-12-07T06:22:39Z', '2026-11-30T23:59:59Z');
  return names;
}

const icuNumeric = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });
const sign = (n: number) => Math.sign(n);

describe('text order without ICU', () => {
  const names = corpus();

  test('byNumberedName orders every pair as localeCompare(en, numeric) does, but equal values', () => {
    const differ: string[] = [];
    for (const a of names)
      for (const b of names) {
        const icu = sign(icuNumeric(a, b));
        // ICU calls web-1 and web-01 equal; ours breaks the tie by code unit so that the order is total.
        if (icu === 0) continue;
        if (sign(byNumberedName(a, b)) !== icu)
          differ.push(`${a} ? ${b}: icu ${icu}, ours ${byNumberedName(a, b)}`);
      }
    expect(differ).toEqual([]);
  });

  test('byNumberedName is a total order: antisymmetric, zero only for equal strings', () => {
    const broken = names.flatMap((a) =>
      names
        .filter(
          (b) =>
            sign(byNumberedName(a, b)) + sign(byNumberedName(b, a)) !== 0 ||
            (byNumberedName(a, b) === 0) !== (a === b),
        )
        .map((b) => `${a} ? ${b}`),
    );
    expect(broken).toEqual([]);
  });

  test('byText orders DNS labels, MACs and timestamps as localeCompare does', () => {
    const differ = names.flatMap((a) =>
      names.filter((b) => sign(byText(a, b)) !== sign(a.localeCompare(b))).map((b) => `${a} ? ${b}`),
    );
    expect(differ).toEqual([]);
  });

  test('sorts numbered instances by number', () => {
    expect(['web-10', 'web-2', 'web-01', 'web-100'].sort(byNumberedName)).toEqual([
      'web-01',
      'web-2',
      'web-10',
      'web-100',
    ]);
  });

  test('project and spec names, which may have capitals, sort case-folded and totally', () => {
    expect(['web', 'Shop', 'api', 'shop', 'DB'].sort(byFoldedText)).toEqual([
      'api',
      'DB',
      'Shop',
      'shop',
      'web',
    ]);
    expect(byFoldedText('Shop', 'shop')).not.toBe(0);
    expect(byFoldedText('Shop', 'Shop')).toBe(0);
  });
});

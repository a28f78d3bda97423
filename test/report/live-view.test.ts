// The live view on every geometry a terminal can report: bounded output, no wrap, no redraw where it cannot work.
import { jest } from '@jest/globals';
import { clip, liveView, type LiveStream } from '../../lib/report/live-view.js';

const ESC = '\u001b';

/** A terminal stream that records what is written; the clock is the test's. */
function fakeTerminal(columns?: number, rows?: number) {
  const writes: string[] = [];
  let clock = 0;
  const stream: LiveStream = { columns, rows, write: (t: string) => writes.push(t) };
  const view = liveView(stream, { now: () => clock, minIntervalMs: 200 });
  return { stream, view, writes, advance: (ms: number) => (clock += ms), text: () => writes.join('') };
}

const frame = (i: number) => [
  `${i}/2 ready`,
  'INSTANCE  VM       PROGRESS  IP',
  `web-01    Running  ${i}%    10.215.100.101`,
];

describe('live view', () => {
  test.each<[string, number | undefined, number | undefined]>([
    ['no geometry at all', undefined, undefined],
    ['0×0 (script(1) without a terminal)', 0, 0],
    ['NaN columns', NaN, 24],
    ['1 column', 1, 24],
    ['19 columns', 19, 24],
    ['3 rows', 80, 3],
    ['negative', -5, -5],
  ])('%s: plain headline lines, each once, no escape code', (_what, columns, rows) => {
    const t = fakeTerminal(columns, rows);
    for (let i = 0; i < 10_000; i++) {
      t.view.update(frame(i < 5_000 ? 0 : 1));
      t.advance(1_000);
    }
    t.view.stop();
    expect(t.text()).toBe('0/2 ready\n1/2 ready\n');
  });

  test('a usable terminal: frames redrawn in place, each line clipped below the width', () => {
    const t = fakeTerminal(24, 10);
    t.view.update(frame(1));
    t.advance(500);
    t.view.update(frame(2));
    t.view.stop();
    expect(t.writes).toHaveLength(2);
    expect(t.writes[0].startsWith(`\r${ESC}[J`)).toBe(true); // nothing above to move to
    expect(t.writes[1].startsWith(`${ESC}[3A\r${ESC}[J`)).toBe(true); // back over the 3 lines drawn
    for (const w of t.writes) {
      const lines = w
        .replace(/\u001b\[[0-9]*[A-Za-z]|\r/g, '')
        .split('\n')
        .slice(0, -1);
      expect(lines).toHaveLength(3);
      for (const l of lines) expect(l.length).toBeLessThanOrEqual(23);
    }
    expect(t.writes[1]).toContain('web-01    Running  2%  ');
  });

  test('more lines than rows: the frame keeps one row free and says how many are left out', () => {
    const t = fakeTerminal(80, 5);
    t.view.update(['headline', ...Array.from({ length: 50 }, (_, i) => `web-${i}`)]);
    t.view.stop();
    expect(t.text()).toBe(`\r${ESC}[Jheadline\nweb-0\nweb-1\n… 48 more\n`);
  });

  test('updates faster than the cap are merged: at most one redraw per interval, the last one drawn on stop', () => {
    jest.useFakeTimers();
    try {
      const t = fakeTerminal(80, 24);
      for (let i = 0; i < 1_000; i++) {
        t.view.update(frame(i));
        t.advance(1); // 1,000 updates in one second
      }
      expect(t.writes).toHaveLength(1); // the first; the rest wait for the timer
      jest.runOnlyPendingTimers();
      expect(t.writes).toHaveLength(2);
      t.view.update(frame(1_000));
      t.view.stop();
      expect(t.writes).toHaveLength(3);
      expect(t.writes[2]).toContain('1000%');
      t.view.update(frame(1));
      jest.runAllTimers();
      expect(t.writes).toHaveLength(3); // nothing after stop
    } finally {
      jest.useRealTimers();
    }
  });

  test('a terminal that shrinks below the minimum mid-run: plain lines from then on', () => {
    const t = fakeTerminal(80, 24);
    t.view.update(frame(1));
    t.stream.columns = 0;
    t.advance(1_000);
    t.view.update(frame(2));
    t.view.stop();
    expect(t.writes[1]).toBe('2/2 ready\n');
  });

  test.each([
    ['ascii', 'abcdef', 4, 'abcd'],
    ['wide characters count two', '가나다라', 5, '가나'],
    ['zero width', 'abc', 0, ''],
    ['shorter than the width', 'ab', 10, 'ab'],
  ])('clip: %s', (_what, text, width, expected) => {
    expect(clip(text, width)).toBe(expected);
  });
});

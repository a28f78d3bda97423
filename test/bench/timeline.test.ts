// The benchmark's floor: the union of oc calls' intervals and the wrapper's call log (bench/timeline.ts).
import { busyMs, parseCallLog, type OcCall } from '../../bench/timeline.js';

const call = (startMs: number, endMs?: number): OcCall => ({ startMs, endMs, args: 'get' });

describe('busyMs: how long at least one oc call ran', () => {
  test.each([
    ['no calls', [], 0],
    ['one call', [call(10, 40)], 30],
    ['calls one after another add up', [call(0, 100), call(120, 150), call(200, 260)], 190],
    ['calls side by side count once', [call(0, 100), call(10, 90), call(20, 100)], 100],
    ['overlapping calls join', [call(0, 50), call(40, 80), call(100, 110)], 90],
    ['touching calls join', [call(0, 50), call(50, 80)], 80],
    ['unsorted input', [call(200, 260), call(0, 100), call(50, 150)], 210],
    ['a call that never ended runs to the end of the run', [call(0, 10), call(100)], 10 + 200],
    ['nothing counts past the end of the run', [call(250, 400)], 50],
  ])('%s', (_, calls, expected) => {
    expect(busyMs(calls, 300)).toBe(expected);
  });
});

describe('parseCallLog: the oc wrapper log', () => {
  test('pairs start and end lines by pid, times them from the origin, orders by start', () => {
    const origin = 1796624769_000;
    const log = [
      'start 41 1796624769.250000 get --raw /api/v1/namespaces/vm-demo/secrets',
      'start 40 1796624769.200500 get --raw /apis/kubevirt.io/v1/virtualmachines',
      'end 41 1796624769.400250',
      'start 43 1796624769,500000 create --save-config -f -',
      'end 40 1796624769.300500',
      '',
    ].join('\n');
    expect(parseCallLog(log, origin)).toEqual([
      { startMs: 200.5, endMs: 300.5, args: 'get --raw /apis/kubevirt.io/v1/virtualmachines' },
      { startMs: 250, endMs: 400.25, args: 'get --raw /api/v1/namespaces/vm-demo/secrets' },
      { startMs: 500, args: 'create --save-config -f -' },
    ]);
  });
});

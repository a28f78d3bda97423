// Watch streams as oc prints them: whole JSON objects out of chunks cut anywhere, and the events applied in order.
import { JsonObjectSplitter, WatchedObjects, type WatchEvent } from '../../lib/cluster/watch-stream.js';
import type { K8sObject } from '../../lib/cluster/k8s-object.js';

const secret = (name: string, note: string): K8sObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, annotations: { note } },
});

describe('JsonObjectSplitter', () => {
  // Braces and quotes inside strings, escapes, and non-ASCII text, as a message or an annotation can hold.
  const objects = [
    { type: 'ADDED', object: secret('a', 'a } brace and a "quoted {" one') },
    { type: 'MODIFIED', object: secret('b', 'back\\slash\\" then } — ünïcode') },
  ];
  const compact = objects.map((o) => JSON.stringify(o) + '\n').join('');
  // `oc get -w -o json` prints pretty objects back to back.
  const pretty = objects.map((o) => JSON.stringify(o, null, 4) + '\n').join('');

  test.each([
    ['compact lines (the raw watch stream)', compact],
    ['pretty objects back to back (get -w -o json)', pretty],
    ['objects with nothing between them', objects.map((o) => JSON.stringify(o)).join('')],
  ])('%s, cut at every size of chunk', (_name, text) => {
    for (const size of [1, 2, 7, 64, text.length]) {
      const splitter = new JsonObjectSplitter();
      const whole: string[] = [];
      for (let i = 0; i < text.length; i += size) whole.push(...splitter.push(text.slice(i, i + size)));
      expect(whole.map((t) => JSON.parse(t))).toEqual(objects);
      expect(splitter.pending).toBe(0);
    }
  });

  test('an object not yet complete is held, and only it', () => {
    const splitter = new JsonObjectSplitter();
    expect(splitter.push('{"type":"ADDED"}\n{"type":"MOD')).toEqual(['{"type":"ADDED"}']);
    expect(splitter.pending).toBe('{"type":"MOD'.length);
    expect(splitter.push('IFIED"}')).toEqual(['{"type":"MODIFIED"}']);
  });
});

describe('WatchedObjects', () => {
  test('ADDED and MODIFIED replace, DELETED removes, BOOKMARK changes nothing; kind order kept', () => {
    const vm: K8sObject = { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name: 'vm1' } };
    const watched = new WatchedObjects(['VirtualMachine', 'Secret'], [secret('a', '1'), vm]);
    const event = (type: WatchEvent['type'], object: K8sObject): WatchEvent => ({ type, object });
    expect(watched.apply('Secret', event('MODIFIED', secret('a', '2')))).toBe(true);
    expect(watched.apply('Secret', event('ADDED', secret('b', '1')))).toBe(true);
    expect(
      watched.apply('Secret', event('BOOKMARK', { kind: 'Secret', metadata: { name: '' } } as K8sObject)),
    ).toBe(false);
    expect(
      watched.objects().map((o) => `${o.kind}/${o.metadata.name}/${o.metadata.annotations?.note ?? ''}`),
    ).toEqual(['VirtualMachine/vm1/', 'Secret/a/2', 'Secret/b/1']);
    expect(watched.apply('Secret', event('DELETED', secret('a', '2')))).toBe(true);
    expect(watched.apply('Secret', event('DELETED', secret('gone', '')))).toBe(false);
    expect(watched.objects().map((o) => o.metadata.name)).toEqual(['vm1', 'b']);
  });
});

// Ownership, table by table: which labels make an object a spec's, the shared-NAD rule, and who else owns it.
import {
  instanceLabels,
  isOurs,
  isSpecs,
  managingSpec,
  ownerLabels,
  selectorString,
  sharedNadLabels,
  specSelector,
} from '../../lib/model/ownership.js';

const web = { project: 'demo', spec: 'web' };
const own = instanceLabels(web, 'web-01', { app: 'web' });
const shared = sharedNadLabels(web, { app: 'web' });

test('what render writes is what the selectors find', () => {
  expect(own).toEqual({
    app: 'web',
    'v-auto/managed': 'true',
    'v-auto/project': 'demo',
    'v-auto/spec': 'web',
    'v-auto/name': 'web-01',
  });
  expect(selectorString(specSelector(web, 'web-01'))).toBe(
    'v-auto/managed=true,v-auto/project=demo,v-auto/spec=web,v-auto/name=web-01',
  );
  expect(isSpecs(own, web)).toBe(true);
  expect(isSpecs(own, web, 'web-01')).toBe(true);
  expect(isSpecs(own, web, 'web-02')).toBe(false);
  expect(isSpecs(shared, web)).toBe(false);
});

describe('is the live object in a rendered one’s place ours to write', () => {
  const otherSpec = instanceLabels({ project: 'demo', spec: 'db' }, 'web-01');
  const otherProject = instanceLabels({ project: 'other', spec: 'web' }, 'web-01');
  test.each([
    ['an instance object with its spec labels', own, own, true],
    ['an instance object of another spec', otherSpec, own, false],
    ['an instance object of another project', otherProject, own, false],
    ['an instance object with no labels', undefined, own, false],
    ['a shared NAD that another spec of the project wrote', sharedNadLabels(web), shared, true],
    ['a shared NAD of another project', sharedNadLabels({ project: 'other' }), shared, false],
    ['a shared NAD in the place of an instance object', shared, own, false],
    ['an instance object in the place of a shared NAD', own, shared, false],
  ])('%s: %s', (_what, live, rendered, ours) => {
    expect(isOurs(live, rendered, web)).toBe(ours);
  });
});

test.each([
  [undefined, undefined],
  [{ app: 'web', 'v-auto/name': 'web-01' }, undefined],
  [{ 'v-auto/project': 'demo' }, 'v-auto/project=demo'],
  [
    instanceLabels({ project: 'demo', spec: 'db' }, 'db-01'),
    'v-auto/managed=true, v-auto/project=demo, v-auto/spec=db',
  ],
  [sharedNadLabels(web), 'v-auto/managed=true, v-auto/project=demo, v-auto/shared=true'],
])(
  'owner labels of %j: %j (none: unlabeled, which --adopt and --include-unlabeled may take)',
  (labels, owner) => {
    expect(ownerLabels(labels)).toBe(owner);
  },
);

test.each([
  [own, 'web-01-lan', 'demo/web web-01'],
  [{ ...own, 'v-auto/name': undefined as unknown as string }, 'x', 'demo/web x'],
  [shared, 'lan', undefined],
  [{ ...own, 'v-auto/managed': 'false' }, 'web-01', undefined],
  [{ app: 'web' }, 'web-01', undefined],
])('the spec managing %j (%s): %j', (labels, name, spec) => {
  expect(managingSpec(labels, name)).toBe(spec);
});

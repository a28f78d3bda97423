// Derived names: built in one place and read back by the same rule.
import {
  cloudInitSecretName,
  instanceNadName,
  instanceOfResource,
  instanceOfRootDisk,
  rootDiskName,
} from '../../lib/model/names.js';

test.each(['web-01', 'web-100', 'a-b-rootdisk-01'])('the root disk of %s reads back to it', (instance) => {
  expect(instanceOfRootDisk(rootDiskName(instance))).toBe(instance);
  expect(instanceOfResource('web', rootDiskName(instance), [])).toBe(
    instance.startsWith('web-') ? instance : undefined,
  );
});

test.each(['web-01', 'web-01-cloud-init', 'web-01-rootdisk-x', 'rootdisk'])('%s is no root disk', (name) => {
  expect(instanceOfRootDisk(name)).toBeUndefined();
});

test.each([
  [cloudInitSecretName('web-07'), 'web-07'],
  [instanceNadName('web-07', 'lan'), 'web-07'],
  [instanceNadName('web-07', 'office'), undefined],
  ['web-7-rootdisk', undefined],
])('%s belongs to %s', (name, instance) => {
  expect(instanceOfResource('web', name, ['lan'])).toBe(instance);
});

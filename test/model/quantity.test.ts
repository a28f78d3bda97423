// One quantity grammar: what the spec validator accepts is exactly what the change plan can read back.
import { quantityValue } from '../../lib/model/quantity.js';
import { errorOf, IMAGE, settingsFor } from '../helpers/workspace.js';

const accepted = (memory: string) => {
  try {
    settingsFor({ spec: { ...IMAGE, memory } });
    return true;
  } catch {
    return false;
  }
};

// kubernetes/apimachinery@357557a pkg/api/resource/quantity.go: <signedNumber><suffix>, the
// number `1`, `1.5`, `5.` or `.5`, the suffix binary SI, decimal SI (n u m k M G T P E) or an exponent.
test.each([
  ['4Gi', 4 * 2 ** 30],
  ['4096Mi', 4 * 2 ** 30],
  ['1.5Gi', 1.5 * 2 ** 30],
  ['512M', 512e6],
  ['1Ei', 2 ** 60],
  ['1e9', 1e9],
  ['.5Gi', 2 ** 29],
  ['5.', 5],
  ['+4Gi', 4 * 2 ** 30],
])('%s is a quantity of %d, and a spec may give it', (text, value) => {
  expect(quantityValue(text)).toBe(value);
  expect(accepted(text)).toBe(true);
});

test.each(['4GB', 'lots', '4gi', 'Gi', '1e', '4 Gi', ' 4Gi', '4Gi ', '1.2.3', ''])(
  '%j is no quantity: the change plan reads no value and the spec is refused',
  (text) => {
    expect(quantityValue(text)).toBeUndefined();
    expect(accepted(text)).toBe(false);
  },
);

test('a refused quantity names the key and how to write one', () => {
  expect(errorOf(() => settingsFor({ spec: { ...IMAGE, disk_size: '50GB' } })).message).toContain(
    'disk_size: "50GB" is not a Kubernetes quantity: write it like 4Gi or 512Mi',
  );
});

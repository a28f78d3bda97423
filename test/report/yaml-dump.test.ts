// -o yaml and cloud-config maps are read by YAML 1.1 parsers (kubectl, cloud-init): every string must stay a string there.
import { parse } from 'yaml';
import { manifestsAsYaml } from '../../lib/report/manifest-output.js';
import type { Manifest } from '../../lib/render/render-manifests.js';

const TRICKY = [
  '2024_06',
  '1_000',
  '0x_1F',
  '0b1_0',
  '+1_0',
  '1:30',
  '190:20:30',
  '1:30.5',
  '1_0.5',
  'yes',
  'No',
  'on',
  'OFF',
  'y',
  'n',
  '0755',
  '0o17',
  '1e3',
  '.5',
  '.inf',
  '~',
  'null',
  '2024-06-01',
  '= ',
  '<<',
];

test.each(TRICKY)('%s: the string read back by a YAML 1.1 and a YAML 1.2 reader', (value) => {
  const m: Manifest = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'x', labels: { build: value } },
    data: { [value]: value },
  };
  const text = manifestsAsYaml([m]);
  for (const version of ['1.1', '1.2'] as const) {
    const back = parse(text, { version });
    expect({
      version,
      value: back.metadata.labels.build,
      key: Object.keys(back.data)[0],
      data: Object.values(back.data)[0],
    }).toEqual({ version, value, key: value, data: value });
  }
});

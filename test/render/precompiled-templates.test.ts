// The built-in templates as the build precompiles them render exactly as when compiled at run time.
import { compileTemplate, precompileTemplate } from '../../lib/render/handlebars-env.js';
import { PRECOMPILED } from '../../lib/render/builtin-templates.js';
import { builtinTemplates, IMAGE, LAN, renderFor } from '../helpers/workspace.js';
import { errorOf } from '../helpers/workspace.js';

/** As scripts/build.mjs makes them: the compiled form as JavaScript source, evaluated as the bundle would. */
function precompiled(source: string) {
  const { spec, variables } = precompileTemplate(source);
  return { source, spec: new Function(`return (${spec});`)(), variables };
}

describe('precompiled built-in templates', () => {
  afterEach(() => {
    for (const file of Object.keys(PRECOMPILED)) delete PRECOMPILED[file];
  });

  test('render every kind exactly as compiled at run time, password hash included', () => {
    const input = {
      config: { networks: { lan: LAN, dhcp: { nad_name: 'dhcp-net', bridge: 'br-dhcp' } } },
      spec: {
        ...IMAGE,
        network: 'lan',
        replicas: 3,
        cloud_init: '#cloud-config\npassword: {{hash_password password}}\nip: {{ static_ip }}\n',
      },
    };
    const options = { inputs: { password: 'Corr3ct-Horse' } };
    const atRunTime = renderFor(input, options).manifests;
    for (const [file, source] of Object.entries(builtinTemplates())) PRECOMPILED[file] = precompiled(source);
    expect(Object.keys(PRECOMPILED).sort()).toEqual(Object.keys(builtinTemplates()).sort());
    expect(renderFor(input, options).manifests).toEqual(atRunTime);
  });

  test('a failed lookup and an unknown variable are the same errors, with the line', () => {
    const source = 'a: 1\nb: {{net.vlan}}\nc: {{json count}}\n';
    const label = 'built-in templates/x.yaml.hbs';
    for (const fn of [compileTemplate(label, source), compileTemplate(label, source, precompiled(source))]) {
      expect(errorOf(() => fn({ net: 'text', count: 1 })).message).toBe(
        `${label}:2: net is text; it has no field "vlan"`,
      );
      expect(errorOf(() => fn({ net: {} })).message).toBe(`${label}: unknown variable "count"`);
    }
  });

  test('a compiled form made from another source is not used: the source given is compiled', () => {
    const stale = precompiled('v: {{json old}}\n');
    const fn = compileTemplate('x', 'v: {{json now}}\n', stale);
    expect(fn({ now: 1 })).toBe('v: 1\n');
  });
});

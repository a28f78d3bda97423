// The module layering of lib/, checked from the import lines: dependencies flow
// cli → commands → {pipeline, report} → {model, config, plan, render, changes, cluster} and never
// back, no module imports itself through others, and the pure core (model, plan, render, changes)
// touches no process, file or terminal.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const lib = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../lib');

function sources(dir: string): string[] {
  return readdirSync(path.join(lib, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(path.join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [path.join(dir, e.name)]
        : [],
  );
}

/** Every module specifier a file imports, static or dynamic, with `lib/`-relative targets resolved. */
function imports(file: string): string[] {
  const text = readFileSync(path.join(lib, file), 'utf8');
  const specs = [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g),
  ].map((m) => m[1] ?? m[2]);
  return specs.map((s) =>
    s.startsWith('.') ? path.relative(lib, path.resolve(path.dirname(path.join(lib, file)), s)) : s,
  );
}

const layer = (target: string) => target.split(path.sep)[0];

/** The core: what v-auto knows and computes, and the oc runner; its folders may import one another. */
const CORE = ['model', 'config', 'plan', 'render', 'changes', 'cluster'];

/** What each layer may import besides itself and lib/'s root modules (errors, printable, sleep, tool-root). */
const MAY_IMPORT: Record<string, string[]> = {
  cli: ['commands', 'pipeline', 'report', ...CORE],
  commands: ['pipeline', 'report', ...CORE],
  pipeline: CORE,
  report: CORE,
  ...Object.fromEntries(CORE.map((dir) => [dir, CORE])),
};

describe('lib/ layering', () => {
  test('every folder of lib/ is a layer with its rules', () => {
    const folders = readdirSync(lib, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(folders.sort()).toEqual(Object.keys(MAY_IMPORT).sort());
  });

  test.each(Object.keys(MAY_IMPORT))('%s imports only the layers below it', (dir) => {
    const allowed = new Set([dir, ...MAY_IMPORT[dir]]);
    const back = sources(dir).flatMap((f) =>
      imports(f)
        // A folder of lib/: not a package's own path (ip-num/dist/src/Validator.js) nor a root module.
        .filter((t) => !t.startsWith('node:') && !path.isAbsolute(t) && t.includes(path.sep))
        .filter((t) => !t.startsWith('..') && existsSync(path.join(lib, layer(t))))
        .filter((t) => !allowed.has(layer(t)))
        .map((t) => `${f} → ${t}`),
    );
    expect(back).toEqual([]);
  });

  test.each(['model', 'plan', 'render', 'changes'])(
    '%s, the pure core, touches no process, file or terminal',
    (dir) => {
      const impure = sources(dir).flatMap((f) => {
        const text = readFileSync(path.join(lib, f), 'utf8');
        const found = imports(f).filter((t) =>
          /^(node:)?(fs|child_process|fs\/promises|tty)$|^execa$|^ora$/.test(t),
        );
        if (/\bprocess\.(env|exit|argv|stdout|stderr|cwd)\b/.test(text)) found.push('process.*');
        return found.map((t) => `${f} → ${t}`);
      });
      expect(impure).toEqual([]);
    },
  );

  test('no command or pipeline step writes output: commands say what they do through the Reporter they are handed', () => {
    const writers = [...sources('commands'), ...sources('pipeline')].flatMap((f) => {
      const text = readFileSync(path.join(lib, f), 'utf8');
      const found = imports(f).filter((t) => t === path.join('report', 'output.js'));
      if (/\.(out|err)\(|\bprocess\.(stdout|stderr)\b|\bconsole\./.test(text)) found.push('writes');
      return found.map((t) => `${f} → ${t}`);
    });
    expect(writers).toEqual([]);
  });

  test('lib/ has no import cycle', () => {
    const files = sources('.').map((f) => path.normalize(f));
    const edges = new Map(
      files.map((f) => [
        f,
        imports(f)
          .filter(
            (t) => t.endsWith('.js') && !t.startsWith('node:') && !path.isAbsolute(t) && !t.startsWith('..'),
          )
          .map((t) => t.replace(/\.js$/, '.ts'))
          .filter((t) => files.includes(t)),
      ]),
    );
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (f: string, trail: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(f)), f].join(' → '));
        return;
      }
      state.set(f, 'open');
      for (const t of edges.get(f) ?? []) visit(t, [...trail, f]);
      state.set(f, 'done');
    };
    for (const f of files) visit(f, []);
    expect(cycles).toEqual([]);
  });
});

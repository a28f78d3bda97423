// What counts as a spec file: the same for one project's specs and for the workspace-wide list.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  listProjectSpecs,
  listSpecs,
  loadWorkspace,
  workspaceEnvNames,
} from '../../lib/config/load-workspace.js';
import { errorOf, IMAGE, tempDir, writeWorkspace } from '../helpers/workspace.js';

test('a symbolic link to a spec file is a spec, a hidden file is not, in every list', () => {
  const home = tempDir();
  writeWorkspace(home, { config: IMAGE, specs: { web: {} } });
  const specs = path.join(home, 'projects', 'demo', 'specs');
  mkdirSync(path.join(home, 'shared'));
  writeFileSync(path.join(home, 'shared', 'db.yaml'), 'replicas: 1\n');
  symlinkSync(path.join(home, 'shared', 'db.yaml'), path.join(specs, 'db.yaml'));
  writeFileSync(path.join(specs, '.old.yaml'), 'replicas: 1\n');

  expect(loadWorkspace(home, 'demo', 'db').specSource.data).toEqual({ replicas: 1 });
  expect(listProjectSpecs(home, 'demo')).toEqual(['db', 'web']);
  expect(listSpecs(home)).toEqual([
    { project: 'demo', spec: 'db' },
    { project: 'demo', spec: 'web' },
  ]);
});

test("a symbolic link to a project folder is a project in every list: the workspace's specs and the not-found hint", () => {
  const home = tempDir();
  writeWorkspace(home, { config: IMAGE, specs: { web: {} } });
  writeWorkspace(path.join(home, 'elsewhere'), { project: 'lab', config: IMAGE, specs: { db: {} } });
  symlinkSync(path.join(home, 'elsewhere', 'projects', 'lab'), path.join(home, 'projects', 'lab'));
  // Neither a link to a file nor one that leads nowhere is a project.
  writeFileSync(path.join(home, 'notes.txt'), 'x\n');
  symlinkSync(path.join(home, 'notes.txt'), path.join(home, 'projects', 'notes'));
  symlinkSync(path.join(home, 'gone'), path.join(home, 'projects', 'gone'));

  expect(listProjectSpecs(home, 'lab')).toEqual(['db']);
  expect(listSpecs(home)).toEqual([
    { project: 'demo', spec: 'web' },
    { project: 'lab', spec: 'db' },
  ]);
  expect(errorOf(() => loadWorkspace(home, 'labs', 'db')).hint).toBe('projects here: demo, lab');
});

test('projects and specs are listed case-folded: a project named Shop sorts among the lower-case ones', () => {
  const home = tempDir();
  writeWorkspace(home, { project: 'web', config: IMAGE, specs: { db: {}, Api: {} } });
  writeWorkspace(home, { project: 'Shop', config: IMAGE, specs: { web: {} } });
  writeWorkspace(home, { project: 'api', config: IMAGE, specs: { web: {} } });
  expect(listSpecs(home)).toEqual([
    { project: 'api', spec: 'web' },
    { project: 'Shop', spec: 'web' },
    { project: 'web', spec: 'Api' },
    { project: 'web', spec: 'db' },
  ]);
});

test('every env: reference of the workspace is found, however YAML spells it: plain, quoted, escaped, aliased', () => {
  const home = tempDir();
  writeWorkspace(home, {
    config: { ...IMAGE, registry_token: 'env:CONFIG_TOKEN' },
    specs: {
      // Spelt out: plain, and through an anchor.
      web: 'password: &pw env:WEB_PW\nnote: *pw\n',
      // Double-quoted escapes: "\x65" is e, and an escaped line break joins "en" and "v:…".
      db: 'password: "\\x65nv:ESCAPED_PW"\ntoken: "en\\\n  v:FOLDED_PW"\n',
      // Neither "env:" nor a backslash: no reference, whatever else it holds.
      cache: 'replicas: 2\nnote: environment variables are read from env vars\n',
    },
  });
  writeWorkspace(home, { project: 'lab', specs: { api: 'password: "env:LAB_PW"\n' } });
  expect(workspaceEnvNames(home).sort()).toEqual([
    'CONFIG_TOKEN',
    'ESCAPED_PW',
    'FOLDED_PW',
    'LAB_PW',
    'WEB_PW',
  ]);
});

test("a run parses each file once: the env: scan, the spec's plan and every other spec's share one parse", () => {
  const home = tempDir();
  writeWorkspace(home, {
    config: { ...IMAGE, registry_token: 'env:TOKEN' },
    specs: { web: 'password: env:WEB_PW\n', db: 'replicas: 1\n' },
  });
  const parsed = new Map();
  expect(workspaceEnvNames(home, parsed).sort()).toEqual(['TOKEN', 'WEB_PW']);
  const web = loadWorkspace(home, 'demo', 'web', parsed);
  // Changed on disk while the run goes on: the run keeps the file it read first.
  writeFileSync(path.join(home, 'projects', 'demo', 'config.yaml'), 'networks: [\n');
  const db = loadWorkspace(home, 'demo', 'db', parsed);
  expect(db.config).toBe(web.config);
  expect(web.specSource).toBe(parsed.get(path.join(home, 'projects', 'demo', 'specs', 'web.yaml')));
  expect([...parsed.keys()].map((f) => path.relative(home, f)).sort()).toEqual([
    'projects/demo/config.yaml',
    'projects/demo/specs/db.yaml',
    'projects/demo/specs/web.yaml',
  ]);
});

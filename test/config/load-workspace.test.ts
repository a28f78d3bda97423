// What counts as a spec file: the same for one project's specs and for the workspace-wide list.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { listProjectSpecs, listSpecs, loadWorkspace } from '../../lib/config/load-workspace.js';
import { IMAGE, tempDir, writeWorkspace } from '../helpers/workspace.js';

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
  expect(listSpecs(home)).toEqual([{ project: 'demo', spec: 'db' }, { project: 'demo', spec: 'web' }]);
});

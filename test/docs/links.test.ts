// Every relative link in README.md and docs/**/*.md resolves: the file exists and its #anchor is a heading there.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { anchors, brokenLinks, markdownFiles, relativeLinks } from '../helpers/markdown-links.js';
import { repoRoot, tempDir } from '../helpers/workspace.js';

test('every relative link in README.md and docs/ resolves, anchors included', () => {
  const files = markdownFiles(repoRoot);
  expect(files).toEqual(expect.arrayContaining(['README.md', 'docs/ko/README.md']));
  // The checker must be looking at links at all: the front page links to the reference pages.
  expect(files.flatMap((file) => relativeLinks(repoRoot, file)).length).toBeGreaterThan(20);
  expect(brokenLinks(repoRoot, files)).toEqual([]);
});

test('README.md links every page of docs/ and the Korean guide', () => {
  const linked = new Set(relativeLinks(repoRoot, 'README.md').map((l) => l.target.split('#')[0]));
  const pages = markdownFiles(repoRoot).filter((f) => f.startsWith('docs/') && !f.startsWith('docs/ko/'));
  expect(pages.filter((page) => !linked.has(page))).toEqual([]);
  expect(linked.has('docs/ko/README.md')).toBe(true);
});

test('each page of docs/ has its Korean page in docs/ko/, and no Korean page is without an English one', () => {
  const files = markdownFiles(repoRoot);
  const english = files
    .filter((f) => f.startsWith('docs/') && !f.startsWith('docs/ko/'))
    .map((f) => f.slice(5));
  const korean = files
    .filter((f) => f.startsWith('docs/ko/') && f !== 'docs/ko/README.md')
    .map((f) => f.slice(8));
  expect(korean.sort()).toEqual(english.sort());
});

describe('the checker', () => {
  test('GitHub anchors: punctuation dropped, spaces hyphenated, Korean kept, repeats numbered', () => {
    expect([
      ...anchors(
        '# Install: the bundle\n## --wait and the grace window\n## Parallel (`--parallel`)\n## 주소 대장\n## Notes\n## Notes\n```\n# not a heading\n```\n',
      ),
    ]).toEqual([
      'install-the-bundle',
      '--wait-and-the-grace-window',
      'parallel---parallel',
      '주소-대장',
      'notes',
      'notes-1',
    ]);
  });

  test('reports a missing file, a missing anchor and a link out of the tree; skips URLs and code', () => {
    const root = tempDir('v-auto-links-');
    mkdirSync(path.join(root, 'docs'));
    writeFileSync(
      path.join(root, 'README.md'),
      [
        '# Front',
        '[ok](docs/a.md#section-one) [self](#front) [gone](docs/missing.md) [bad anchor](docs/a.md#nope)',
        '[out](../elsewhere.md) [web](https://example.com/x.md) `[code](docs/missing.md)`',
        '```',
        '[block](docs/missing.md)',
        '```',
      ].join('\n'),
    );
    writeFileSync(path.join(root, 'docs', 'a.md'), '# A\n## Section one\n[back](../README.md#front)\n');
    expect(brokenLinks(root, markdownFiles(root))).toEqual([
      'README.md: docs/missing.md (no such file)',
      'README.md: docs/a.md#nope (no heading with anchor #nope)',
      'README.md: ../elsewhere.md (leads outside the tree)',
    ]);
  });
});

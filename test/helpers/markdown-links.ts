// Relative links in Markdown files and whether each resolves: the file exists, and its #anchor is a heading there.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface Link {
  /** The file the link is in, relative to the root. */
  from: string;
  target: string;
}

/** README.md and every .md file under docs/, relative to root, sorted. */
export function markdownFiles(root: string): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) return walk(rel);
      return entry.name.endsWith('.md') ? [rel] : [];
    });
  return ['README.md', ...(existsSync(path.join(root, 'docs')) ? walk('docs') : [])].sort();
}

/** Markdown text without its fenced code blocks. */
function withoutFences(text: string): string {
  return text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
}

/** Markdown text without fenced code blocks and with inline code spans blanked: links there are not links. */
function withoutCode(text: string): string {
  return withoutFences(text).replace(/(`+)[^`]+?\1/g, 'code');
}

/** The relative links (`[text](target)`, images too) of one file; absolute URLs and mail links are left out. */
export function relativeLinks(root: string, file: string): Link[] {
  const text = withoutCode(readFileSync(path.join(root, file), 'utf8'));
  return [...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)]
    .map((m) => m[1])
    .filter((target) => !/^([a-z][a-z0-9+.-]*:|\/\/)/i.test(target))
    .map((target) => ({ from: file, target }));
}

/**
 * The anchors GitHub gives a file's headings (github-slugger's rule: lower case, punctuation
 * and symbols dropped, each space a hyphen, a repeated slug suffixed -1, -2, ...), and any
 * explicit `id`/`name` attribute.
 */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const [, heading] of withoutFences(markdown).matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const text = heading
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/`/g, '')
      .replace(/<[^>]+>/g, '');
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  for (const [, id] of markdown.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) result.add(id);
  return result;
}

/** Why a link does not resolve, or undefined when it does. */
export function brokenReason(root: string, link: Link): string | undefined {
  const [rawPath, anchor] = link.target.split('#', 2) as [string, string | undefined];
  const filePath = decodeURIComponent(rawPath);
  const resolved =
    filePath === '' ? path.join(root, link.from) : path.join(root, path.dirname(link.from), filePath);
  if (!path.resolve(resolved).startsWith(path.resolve(root) + path.sep)) return 'leads outside the tree';
  if (!existsSync(resolved)) return 'no such file';
  if (anchor === undefined) return undefined;
  if (!statSync(resolved).isFile() || !resolved.endsWith('.md'))
    return 'an anchor into a file that is not Markdown';
  return anchors(readFileSync(resolved, 'utf8')).has(decodeURIComponent(anchor))
    ? undefined
    : `no heading with anchor #${anchor}`;
}

/** Every relative link of the files that does not resolve, as "file: target (reason)". */
export function brokenLinks(root: string, files: string[]): string[] {
  return files.flatMap((file) =>
    relativeLinks(root, file).flatMap((link) => {
      const reason = brokenReason(root, link);
      return reason === undefined ? [] : [`${link.from}: ${link.target} (${reason})`];
    }),
  );
}

#!/usr/bin/env node
// Markdown link check: every link in the project's markdown must stay inside the
// repository and point at a file that a clone has.
//
//   node scripts/check-links.mjs          # exit 0 when every link holds, 1 otherwise
//
// Checked, in every tracked (or new, not ignored) .md file, outside fenced code:
// - inline links and images `[t](dest)`, reference definitions `[id]: dest`, and
//   HTML `href="…"` / `src="…"`: a relative dest must resolve inside the repository
//   to a tracked (or new, not ignored) file or folder; `#anchor` (alone or after a
//   .md file) must name a heading of that file (GitHub's slugs) or an explicit id;
//   an absolute path (`/x`, `C:\x`) is refused; URLs with a scheme (https:, mailto:)
//   are not fetched;
// - inline code that names a relative path (`../x`) leaving the repository, or a
//   markdown file (`dir/x.md`, from the file or the repository root) that does not
//   exist: references a reader of a clone cannot follow either.
// No dependency: a line scanner, enough for the markdown this project writes.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SKIP_DIRS = new Set(['.git', 'node_modules', 'dist', 'coverage', '.cache', 'data']);

/** Repository-relative paths (POSIX) of every file a clone would have, plus new files not ignored. */
function listFiles() {
  try {
    const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    // A tracked file deleted in the work tree is not there for a link either.
    return out.split('\0').filter((f) => f !== '' && existsSync(path.join(ROOT, f)));
  } catch {
    // Not a git checkout (an exported tarball): walk the tree instead.
    const files = [];
    const walk = (dir) => {
      for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
        if (entry.isDirectory() && SKIP_DIRS.has(entry.name)) continue;
        const rel = dir === '' ? entry.name : `${dir}/${entry.name}`;
        if (entry.isDirectory()) walk(rel);
        else if (entry.isFile()) files.push(rel);
      }
    };
    walk('');
    return files;
  }
}

const files = listFiles();
const fileSet = new Set(files);
const dirSet = new Set(['']);
for (const f of files) {
  for (let d = path.posix.dirname(f); d !== '.' && !dirSet.has(d); d = path.posix.dirname(d)) dirSet.add(d);
}
const markdown = files.filter((f) => f.toLowerCase().endsWith('.md')).sort();

/** Lines of a markdown file with fenced code blocks blanked (line numbers kept). */
function proseLines(text) {
  const lines = text.split(/\r?\n/);
  let fence = null;
  return lines.map((line) => {
    const m = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      // a closing fence: the same character, at least as long, nothing after it
      const close = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line);
      if (close && close[1][0] === fence[0] && close[1].length >= fence.length) fence = null;
      return '';
    }
    if (m) {
      fence = m[1];
      return '';
    }
    return line;
  });
}

/** Splits a line into code spans and the prose around them. */
function splitCode(line) {
  const prose = [];
  const code = [];
  let i = 0;
  let last = 0;
  while (i < line.length) {
    if (line[i] !== '`') {
      i += 1;
      continue;
    }
    let n = 0;
    while (line[i + n] === '`') n += 1;
    const tick = '`'.repeat(n);
    let close = line.indexOf(tick, i + n);
    while (close >= 0 && line[close + n] === '`') close = line.indexOf(tick, close + n + 1);
    if (close < 0) {
      i += n;
      continue;
    }
    prose.push(line.slice(last, i));
    code.push(line.slice(i + n, close).trim());
    i = close + n;
    last = i;
  }
  prose.push(line.slice(last));
  return { prose: prose.join(' '), code };
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading) {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // links and images keep their text
    .replace(/<[^>]+>/g, '') // inline HTML
    .replace(/[`*]/g, '')
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
}

const anchorCache = new Map();
/** Every anchor a rendered markdown file offers. */
function anchorsOf(rel) {
  if (anchorCache.has(rel)) return anchorCache.get(rel);
  const anchors = new Set();
  const seen = new Map();
  const add = (s) => {
    const n = seen.get(s) ?? 0;
    seen.set(s, n + 1);
    anchors.add(n === 0 ? s : `${s}-${n}`);
  };
  const lines = proseLines(readFileSync(path.join(ROOT, rel), 'utf8'));
  lines.forEach((line, i) => {
    const atx = /^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/.exec(line);
    if (atx) add(slug(atx[1]));
    else if (/^ {0,3}(=+|-+)[ \t]*$/.test(line) && i > 0 && lines[i - 1].trim() !== '' && !/^ {0,3}([-*_][ \t]*){3,}$/.test(lines[i - 1])) {
      // setext heading: the previous line underlined (a `---` under text; not a table row)
      if (!lines[i - 1].includes('|')) add(slug(lines[i - 1]));
    }
    for (const m of line.matchAll(/<a\s[^>]*(?:name|id)\s*=\s*"([^"]+)"/gi)) anchors.add(m[1]);
  });
  anchorCache.set(rel, anchors);
  return anchors;
}

const problems = [];

function checkTarget(source, lineNo, raw) {
  let dest = raw.trim();
  if (dest.startsWith('<') && dest.endsWith('>')) dest = dest.slice(1, -1);
  if (dest === '') return problems.push(`${source}:${lineNo}: empty link target`);
  if (/^[a-z][a-z0-9+.-]*:/i.test(dest) && !/^[a-z]:[\\/]/i.test(dest)) return; // https:, mailto:, …: not fetched
  const hash = dest.indexOf('#');
  let target = hash >= 0 ? dest.slice(0, hash) : dest;
  const fragment = hash >= 0 ? dest.slice(hash + 1) : undefined;
  target = target.replace(/\?.*$/, '');
  try {
    target = decodeURIComponent(target);
  } catch {
    return problems.push(`${source}:${lineNo}: malformed link target ${raw}`);
  }
  if (target.startsWith('/') || target.startsWith('\\') || /^[a-z]:[\\/]/i.test(target)) {
    return problems.push(`${source}:${lineNo}: absolute path ${raw}: link relative to the file instead`);
  }
  let rel = source;
  if (target !== '') {
    rel = path.posix.normalize(path.posix.join(path.posix.dirname(source), target.replace(/\\/g, '/')));
    if (rel === '..' || rel.startsWith('../')) return problems.push(`${source}:${lineNo}: ${raw} leaves the repository`);
    rel = rel.replace(/\/$/, '');
    if (rel === '.') rel = '';
    if (!fileSet.has(rel) && !dirSet.has(rel)) {
      const why = existsSync(path.join(ROOT, rel)) ? 'is not in the repository (ignored)' : 'does not exist';
      return problems.push(`${source}:${lineNo}: ${raw}: ${rel} ${why}`);
    }
  }
  if (fragment !== undefined && fragment !== '' && rel.toLowerCase().endsWith('.md') && statSync(path.join(ROOT, rel)).isFile()) {
    let anchor = fragment;
    try {
      anchor = decodeURIComponent(fragment);
    } catch {
      // keep it as written
    }
    if (!anchorsOf(rel).has(anchor.toLowerCase()) && !anchorsOf(rel).has(anchor)) {
      problems.push(`${source}:${lineNo}: ${raw}: no heading #${fragment} in ${rel}`);
    }
  }
}

let links = 0;
for (const source of markdown) {
  const lines = proseLines(readFileSync(path.join(ROOT, source), 'utf8'));
  lines.forEach((line, i) => {
    const lineNo = i + 1;
    const { prose, code } = splitCode(line);
    for (const m of prose.matchAll(/\]\(\s*(<[^>]*>|[^)\s]*)(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g)) {
      links += 1;
      checkTarget(source, lineNo, m[1]);
    }
    const def = /^ {0,3}\[[^\]]+\]:\s*(\S+)/.exec(prose);
    if (def) {
      links += 1;
      checkTarget(source, lineNo, def[1]);
    }
    for (const m of prose.matchAll(/\s(?:href|src)\s*=\s*"([^"]*)"/gi)) {
      links += 1;
      checkTarget(source, lineNo, m[1]);
    }
    for (const c of code) {
      if (/\s/.test(c)) continue;
      const fromFile = path.posix.normalize(path.posix.join(path.posix.dirname(source), c)).replace(/\/$/, '');
      if (c.startsWith('../') && (fromFile === '..' || fromFile.startsWith('../'))) {
        problems.push(`${source}:${lineNo}: \`${c}\` names a path outside the repository`);
      } else if (/^[\w.-]*\/[\w./-]*\.md$/.test(c)) {
        // a markdown file named in code, relative to this file or to the repository root
        const fromRoot = path.posix.normalize(c);
        if (!fileSet.has(fromFile) && !fileSet.has(fromRoot)) problems.push(`${source}:${lineNo}: \`${c}\` names a markdown file that does not exist`);
      }
    }
  });
}

if (problems.length > 0) {
  for (const p of problems) console.error(p);
  console.error(`check-links: ${problems.length} broken link(s) in ${markdown.length} markdown files`);
  process.exit(1);
}
console.log(`check-links: ${links} links in ${markdown.length} markdown files, all inside the repository and present`);

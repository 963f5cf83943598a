/** Reads runs' summary.json files and writes the side-by-side comparison. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { renderComparison } from './compare';
import { Summary } from './summary';

/** `out` may be a folder (comparison.md inside) or a .md file; returns the text. */
export function writeComparison(dirs: readonly string[], out?: string): string {
  const runs = dirs.map((d) => ({ dir: basename(resolve(d)), summary: JSON.parse(readFileSync(join(d, 'summary.json'), 'utf8')) as Summary }));
  const text = renderComparison(runs);
  if (out) {
    const file = out.endsWith('.md') ? resolve(out) : join(resolve(out), 'comparison.md');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return text;
}

// Builds the console into console/dist (served by the gateway at /console/): one
// esbuild bundle of src/main.ts with preact and htm inside, plus index.html and the
// stylesheet. Nothing is fetched at run time. `node console/build.mjs` (run by
// scripts/lib/ensure-deps.sh after tsc -b).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'dist');
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(here, 'src/main.ts')],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  legalComments: 'linked',
  outfile: join(out, 'app.js'),
  logLevel: 'warning',
});
for (const f of ['index.html', 'app.css']) copyFileSync(join(here, 'src', f), join(out, f));
console.log(`[console] built ${out}`);

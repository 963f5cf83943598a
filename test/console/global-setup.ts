/** The console project tests the console as built from its current source: build it first (esbuild, well under a second). */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export default function globalSetup(): void {
  execFileSync(process.execPath, [path.join(__dirname, '../../console/build.mjs')], { stdio: 'inherit' });
}

/** The committed community fixtures (fixtures/community/<name>.json). */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Community } from '../fixtures/household';

export const FIXTURES_DIR = resolve(__dirname, '../../../fixtures');
export const COMMUNITIES = ['lot2', 'ecch'] as const;

export function loadCommunity(name: string, dir: string = FIXTURES_DIR): Community {
  if (!(COMMUNITIES as readonly string[]).includes(name)) throw new Error(`unknown community "${name}" (expected ${COMMUNITIES.join(' or ')})`);
  return JSON.parse(readFileSync(resolve(dir, 'community', `${name}.json`), 'utf8')) as Community;
}

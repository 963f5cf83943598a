/**
 * identity/ and ledger/ depend one way: ledger/ may use identity/ (the CA store, the
 * wallet key), identity/ takes from ledger/ nothing but types from ledger/port.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const IDENTITY = path.join(__dirname, '../../gateway-api/src/identity');

function imports(file: string): { typeOnly: boolean; from: string }[] {
  const src = readFileSync(file, 'utf8');
  return [...src.matchAll(/^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]/gm), ...src.matchAll(/(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) =>
    m.length > 2 ? { typeOnly: Boolean(m[2]), from: m[3] as string } : { typeOnly: false, from: m[1] as string },
  );
}

describe('identity/ → ledger/', () => {
  const files = readdirSync(IDENTITY).filter((f) => f.endsWith('.ts'));

  it('when identity/ imports from ledger/, then only types from ledger/port.ts', () => {
    expect(files.length).toBeGreaterThan(3);
    const offending = files.flatMap((f) =>
      imports(path.join(IDENTITY, f))
        .filter((i) => path.resolve(IDENTITY, i.from).startsWith(path.resolve(IDENTITY, '../ledger')))
        .filter((i) => !(i.typeOnly && path.resolve(IDENTITY, i.from) === path.resolve(IDENTITY, '../ledger/port')))
        .map((i) => `${f}: ${i.from}`),
    );
    expect(offending).toEqual([]);
  });
});

/**
 * Canonical JSON: keys sorted at every level, so every endorsing peer writes the
 * same bytes for the same record.
 *
 * The bytes are json-stringify-deterministic 1.0.16's with its default options (what
 * the chaincode used before; test/chaincode/rules/canonical-json.test.ts compares the
 * two on arbitrary values), in one pass: that library serialises every value a second
 * time first, only to detect cycles, and a clearing serialises thousands of entries.
 */

/** One value: undefined when JSON has no text for it (undefined, a function), as JSON.stringify. */
function canonical(node: unknown): string | undefined {
  // As the library: a RegExp becomes its source text, a value with toJSON (a Date, a Buffer) its result.
  if (node instanceof RegExp) node = node.toString();
  else if (node !== null && node !== undefined && (node as { toJSON?: unknown }).toJSON) node = (node as { toJSON(): unknown }).toJSON();
  if (typeof node !== 'object' || node === null) return JSON.stringify(node);
  if (Array.isArray(node)) {
    let out = '[';
    for (let i = 0; i < node.length; i++) out += (i === 0 ? '' : ',') + (canonical(node[i]) ?? 'null');
    return out + ']';
  }
  // Object.keys, sorted by UTF-16 code units (Array.prototype.sort's default), as the library.
  const record = node as Record<string, unknown>;
  let out = '';
  for (const key of Object.keys(record).sort()) {
    const value = canonical(record[key]);
    if (value === undefined) continue;
    out += (out === '' ? '' : ',') + JSON.stringify(key) + ':' + value;
  }
  return '{' + out + '}';
}

export function canonicalJson(value: unknown): string {
  return canonical(value) as string;
}

export function toBytes(value: unknown): Uint8Array {
  return Buffer.from(canonicalJson(value), 'utf8');
}

export function fromBytes<T>(bytes: Uint8Array): T {
  // A view of the bytes, not a copy.
  return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) as T;
}

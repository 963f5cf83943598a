/**
 * The chaincode's canonical JSON writes the very bytes json-stringify-deterministic
 * wrote before it (records already on a ledger, and peers running either version,
 * must agree byte for byte): compared on arbitrary values, including what JSON.stringify
 * alone would order differently (integer-like keys) and drops (undefined, functions).
 */
import fc from 'fast-check';
import stringify from 'json-stringify-deterministic';
import { canonicalJson, fromBytes, toBytes } from '@ecch/chaincode/ledger/json';

const key = fc.oneof(fc.string(), fc.constantFrom('0', '1', '10', '9', '-1', '01', 'a', 'B', 'é', '\u{1F600}', '__proto__x', 'toString'));
const leaf = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.date({ noInvalidDate: true }),
  fc.constant(() => 1),
);
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('node'), { maxLength: 5 }),
  object: fc.dictionary(key, tie('node'), { maxKeys: 6 }),
})).node;

describe('canonical JSON', () => {
  it('when given any value, then it writes the same text as json-stringify-deterministic', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(canonicalJson(v)).toBe(stringify(v));
      }),
      { numRuns: 2000 },
    );
  });

  it('when given the records the chaincode stores, then keys are sorted at every level and undefined fields are left out', () => {
    const record = { status: 'open', id: 'o-1', limitGiven: false, clientOrderId: undefined, nested: { b: 1, a: [{ z: 1, y: null }], '10': 2, '9': 3 } };
    expect(canonicalJson(record)).toBe('{"id":"o-1","limitGiven":false,"nested":{"10":2,"9":3,"a":[{"y":null,"z":1}],"b":1},"status":"open"}');
    expect(canonicalJson(record)).toBe(stringify(record));
    expect(canonicalJson(/a+/g)).toBe(stringify(/a+/g));
    expect(canonicalJson(Buffer.from('hi'))).toBe(stringify(Buffer.from('hi')));
  });

  it('when bytes are a view into a larger buffer, then fromBytes reads only the view', () => {
    const whole = Buffer.from('xx{"a":1}yy');
    expect(fromBytes(whole.subarray(2, 9))).toEqual({ a: 1 });
    expect(fromBytes(toBytes({ b: [1, 'é'] }))).toEqual({ b: [1, 'é'] });
  });
});

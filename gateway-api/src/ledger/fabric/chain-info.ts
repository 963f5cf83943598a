/**
 * The height in qscc GetChainInfo's answer, a serialised `common.BlockchainInfo`
 * (fabric-protos common/ledger.proto: `uint64 height = 1; bytes currentBlockHash = 2;
 * bytes previousBlockHash = 3; BootstrappingSnapshotInfo bootstrappingSnapshotInfo = 4`).
 * Read with a few lines of protobuf wire format rather than a dependency on
 * @hyperledger/fabric-protos for one integer.
 */

function varint(bytes: Uint8Array, at: number): { value: bigint; next: number } {
  let value = 0n;
  for (let shift = 0n, i = at; i < bytes.length && shift < 70n; i++, shift += 7n) {
    value |= BigInt(bytes[i] & 0x7f) << shift;
    if ((bytes[i] & 0x80) === 0) return { value, next: i + 1 };
  }
  throw new Error('GetChainInfo: truncated varint');
}

/** The number of blocks in the peer's ledger (block 0 included). */
export function chainHeight(info: Uint8Array): bigint {
  let height = 0n; // proto3: an absent field is its default
  for (let at = 0; at < info.length; ) {
    const tag = varint(info, at);
    const field = tag.value >> 3n;
    const wire = Number(tag.value & 7n);
    at = tag.next;
    if (wire === 0) {
      const v = varint(info, at);
      if (field === 1n) height = v.value;
      at = v.next;
    } else if (wire === 2) {
      const len = varint(info, at);
      at = len.next + Number(len.value);
    } else if (wire === 1) {
      at += 8;
    } else if (wire === 5) {
      at += 4;
    } else {
      throw new Error(`GetChainInfo: unexpected wire type ${wire}`);
    }
    if (at > info.length) throw new Error('GetChainInfo: truncated field');
  }
  return height;
}

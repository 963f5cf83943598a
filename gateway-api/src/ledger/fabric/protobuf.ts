/**
 * What the adapter reads from the signable bytes fabric-gateway makes (its
 * ProposedTransaction, PreparedTransaction and SignedCommitStatusRequest): the
 * transaction id, the creator, the chaincode call and the endorsed result. A few lines
 * of protobuf wire format (as chain-info.ts), following fabric-protos' messages:
 *
 *   gateway.ProposedTransaction  1 transaction_id, 2 SignedProposal
 *   gateway.PreparedTransaction  1 transaction_id, 2 common.Envelope
 *   gateway.SignedCommitStatusRequest 1 request (CommitStatusRequest: 1 transaction_id, 2 channel_id, 3 identity)
 *   protos.SignedProposal 1 proposal_bytes (Proposal: 1 header, 2 payload)
 *   common.Envelope 1 payload (Payload: 1 Header, 2 data)
 *   common.Header 1 channel_header (ChannelHeader: 4 channel_id, 5 tx_id), 2 signature_header (SignatureHeader: 1 creator)
 *   msp.SerializedIdentity 1 mspid, 2 id_bytes
 *   protos.ChaincodeProposalPayload 1 input (ChaincodeInvocationSpec: 1 ChaincodeSpec: 2 ChaincodeID (2 name), 3 ChaincodeInput (1 args))
 *   protos.Transaction 1 actions (TransactionAction: 2 payload (ChaincodeActionPayload: 1 chaincode_proposal_payload,
 *     2 ChaincodeEndorsedAction: 1 proposal_response_payload (ProposalResponsePayload: 2 extension (ChaincodeAction: 3 Response: 3 payload)))))
 */

export class ProtoError extends Error {}

type Fields = Map<number, (Uint8Array | bigint)[]>;

function varint(bytes: Uint8Array, at: number): { value: bigint; next: number } {
  let value = 0n;
  for (let shift = 0n, i = at; i < bytes.length && shift < 70n; i++, shift += 7n) {
    value |= BigInt(bytes[i] & 0x7f) << shift;
    if ((bytes[i] & 0x80) === 0) return { value, next: i + 1 };
  }
  throw new ProtoError('truncated varint');
}

/** Every field of one message: length-delimited ones as bytes, varints as bigint. */
function fields(bytes: Uint8Array): Fields {
  const out: Fields = new Map();
  for (let at = 0; at < bytes.length; ) {
    const tag = varint(bytes, at);
    const field = Number(tag.value >> 3n);
    const wire = Number(tag.value & 7n);
    at = tag.next;
    if (field === 0) throw new ProtoError('field number 0');
    let value: Uint8Array | bigint;
    if (wire === 0) {
      const v = varint(bytes, at);
      value = v.value;
      at = v.next;
    } else if (wire === 2) {
      const len = varint(bytes, at);
      const end = len.next + Number(len.value);
      if (end > bytes.length) throw new ProtoError('truncated field');
      value = bytes.subarray(len.next, end);
      at = end;
    } else if (wire === 1 || wire === 5) {
      at += wire === 1 ? 8 : 4;
      if (at > bytes.length) throw new ProtoError('truncated field');
      continue;
    } else {
      throw new ProtoError(`unexpected wire type ${wire}`);
    }
    const list = out.get(field) ?? [];
    list.push(value);
    out.set(field, list);
  }
  return out;
}

/** The last occurrence of a length-delimited field (proto3: the last one wins), empty when absent. */
function bytesField(msg: Uint8Array, field: number): Uint8Array {
  const values = fields(msg).get(field) ?? [];
  const last = values[values.length - 1];
  if (last === undefined) return new Uint8Array(0);
  if (typeof last === 'bigint') throw new ProtoError(`field ${field} is not length-delimited`);
  return last;
}

function repeated(msg: Uint8Array, field: number): Uint8Array[] {
  return (fields(msg).get(field) ?? []).map((v) => {
    if (typeof v === 'bigint') throw new ProtoError(`field ${field} is not length-delimited`);
    return v;
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
function text(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new ProtoError('a string field is not UTF-8');
  }
}

/** A path of nested message fields. */
function at(msg: Uint8Array, ...path: number[]): Uint8Array {
  return path.reduce((m, f) => bytesField(m, f), msg);
}

export interface HeaderFacts {
  transactionId: string;
  channel: string;
  creator: { mspId: string; certificate: string };
}

function header(headerBytes: Uint8Array): HeaderFacts {
  const channelHeader = at(headerBytes, 1);
  const identity = at(headerBytes, 2, 1);
  return {
    channel: text(at(channelHeader, 4)),
    transactionId: text(at(channelHeader, 5)),
    creator: { mspId: text(at(identity, 1)), certificate: text(at(identity, 2)) },
  };
}

export interface CallFacts {
  chaincode: string;
  /** The chaincode's arguments; the first is `contract:transaction`. */
  args: string[];
}

/** A ChaincodeProposalPayload's call. */
function call(chaincodeProposalPayload: Uint8Array): CallFacts {
  const spec = at(chaincodeProposalPayload, 1, 1);
  return { chaincode: text(at(spec, 2, 2)), args: repeated(at(spec, 3), 1).map(text) };
}

function required(facts: HeaderFacts, outer: string): HeaderFacts {
  if (facts.transactionId === '' || facts.transactionId !== outer) throw new ProtoError('the transaction ids disagree');
  if (facts.creator.mspId === '' || facts.creator.certificate === '') throw new ProtoError('no creator');
  return facts;
}

export function readProposal(bytes: Uint8Array): HeaderFacts & CallFacts {
  const proposal = at(bytes, 2, 1);
  const facts = required(header(at(proposal, 1)), text(at(bytes, 1)));
  return { ...facts, ...call(at(proposal, 2)) };
}

export function readTransaction(bytes: Uint8Array): HeaderFacts & CallFacts & { result: Uint8Array } {
  const payload = at(bytes, 2, 1);
  const facts = required(header(at(payload, 1)), text(at(bytes, 1)));
  const [action] = repeated(at(payload, 2), 1);
  if (!action) throw new ProtoError('no transaction action');
  const actionPayload = at(action, 2);
  const result = at(actionPayload, 2, 1, 2, 3, 3);
  return { ...facts, ...call(at(actionPayload, 1)), result };
}

export function readCommit(bytes: Uint8Array): HeaderFacts {
  const request = at(bytes, 1);
  const identity = at(request, 3);
  const facts: HeaderFacts = {
    transactionId: text(at(request, 1)),
    channel: text(at(request, 2)),
    creator: { mspId: text(at(identity, 1)), certificate: text(at(identity, 2)) },
  };
  return required(facts, facts.transactionId);
}

/**
 * Write batching (chaincode/src/ledger/write-batch.ts): on a peer, a transaction's
 * writes leave the chaincode as WRITE_BATCH_STATE messages once it has succeeded.
 * The contract tests give the embedded ledger's stub a stand-in for fabric-shim's
 * handler, which applies each batch to the stub's store as the peer applies it to
 * its simulator: the contracts must leave the same state as with direct writes, and a
 * refused transaction must send nothing.
 */
// fabric-shim first, as in a chaincode server: its copy of the protobuf classes then owns
// the global `proto.protos` names (write-batch.ts says why that matters).
import 'fabric-shim';
import { peer } from '@hyperledger/fabric-protos';
import { Context, JSONSerializer, Transaction } from 'fabric-contract-api';
import { EmbeddedStub } from '@ecch/gateway-api/ledger/embedded/stub';
import type { StateView } from '@ecch/gateway-api/ledger/embedded/view';
import { EcchContract } from '@ecch/chaincode/contracts/ecch-contract';
import { LedgerError } from '@ecch/chaincode/domain/errors';
import { beginWriteBatch, flushWriteBatch, MAX_RECORDS_PER_BATCH, RECORD_DEL_STATE, RECORD_PUT_STATE, WRITE_BATCH_STATE } from '@ecch/chaincode/ledger/write-batch';
import { community, Community, marketInput, newIdentity } from '../../support/ledger-fixture';

interface Sent {
  method: string;
  type: number;
  txid: string;
  channel: string;
  records: { key: string; type: number; value: string }[];
}

type ShimMessage = { getType(): number; getTxid(): string; getChannelId(): string; getPayload_asU8(): Uint8Array };

function decode(msg: unknown, method: string): Sent {
  const m = msg as ShimMessage;
  const batch = peer.WriteBatchState.deserializeBinary(m.getPayload_asU8());
  return {
    method,
    type: m.getType(),
    txid: m.getTxid(),
    channel: m.getChannelId(),
    records: batch.getRecList().map((r) => ({ key: r.getKey(), type: r.getType(), value: Buffer.from(r.getValue_asU8()).toString('utf8') })),
  };
}

/** A stub as fabric-shim builds it: a handler that talks to the peer, the channel and the tx id. */
function peerStub(answer: (m: Sent) => Promise<void> = async () => undefined) {
  const direct: string[] = [];
  const sent: Sent[] = [];
  const stub = {
    getChannelID: () => 'ecch',
    getTxID: () => 'tx1',
    handler: {
      async _askPeerAndListen(msg: unknown, method: string) {
        const m = decode(msg, method);
        sent.push(m);
        await answer(m);
        return Buffer.alloc(0);
      },
    },
    async putState(key: string, _value: Uint8Array) {
      direct.push(`put ${key}`);
    },
    async deleteState(key: string) {
      direct.push(`del ${key}`);
    },
  };
  return { stub, sent, direct };
}

describe('write batching on a peer', () => {
  const saved = process.env.ECCH_WRITE_BATCH;
  afterEach(() => {
    if (saved === undefined) delete process.env.ECCH_WRITE_BATCH;
    else process.env.ECCH_WRITE_BATCH = saved;
  });

  it('when a transaction writes and deletes, then nothing reaches the peer until the flush, which sends one WRITE_BATCH_STATE message with the last write of each key', async () => {
    const { stub, sent, direct } = peerStub();
    expect(beginWriteBatch(stub)).toBe(true);
    await stub.putState('a', Buffer.from('1'));
    await stub.putState('b', Buffer.from('2'));
    await stub.deleteState('c');
    await stub.putState('a', Buffer.from('3'));
    expect(sent).toEqual([]);
    expect(await flushWriteBatch(stub)).toBe(3);
    expect(direct).toEqual([]);
    const PUT = RECORD_PUT_STATE;
    const DEL = RECORD_DEL_STATE;
    expect(sent).toEqual([
      {
        method: 'WriteBatchState',
        type: WRITE_BATCH_STATE,
        txid: 'tx1',
        channel: 'ecch',
        records: [
          { key: 'b', type: PUT, value: '2' },
          { key: 'c', type: DEL, value: '' },
          { key: 'a', type: PUT, value: '3' },
        ],
      },
    ]);
    // A second flush (nothing pending) sends nothing.
    expect(await flushWriteBatch(stub)).toBe(0);
    expect(sent).toHaveLength(1);
  });

  it('when a batch is sent, then the bytes on the shim\'s stream are a ChaincodeMessage of type WRITE_BATCH_STATE (24) whose payload Fabric\'s own WriteBatchState class decodes', async () => {
    // The shim's gRPC serializer, as its stream to the peer runs it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const shimPeer = require(require.resolve('@hyperledger/fabric-protos', { paths: [require.resolve('fabric-shim')] })).peer;
    const wire: Buffer[] = [];
    const stub = {
      getChannelID: () => 'ecch',
      getTxID: () => 'tx9',
      handler: {
        async _askPeerAndListen(msg: unknown) {
          wire.push(shimPeer.ChaincodeService.connect.responseSerialize(msg));
          return Buffer.alloc(0);
        },
      },
      async putState(_k: string, _v: Uint8Array) {},
      async deleteState(_k: string) {},
    };
    beginWriteBatch(stub);
    await stub.putState('\u0000ecch.order\u0000m1\u0000o1\u0000', Buffer.from('{"a":1}'));
    await stub.deleteState('gone');
    await flushWriteBatch(stub);
    expect(wire).toHaveLength(1);
    const msg = shimPeer.ChaincodeMessage.deserializeBinary(wire[0]);
    expect(msg.getType()).toBe(24);
    expect(msg.getTxid()).toBe('tx9');
    expect(msg.getChannelId()).toBe('ecch');
    const recs = peer.WriteBatchState.deserializeBinary(msg.getPayload_asU8()).getRecList();
    expect(recs.map((r) => [r.getKey(), r.getType(), Buffer.from(r.getValue_asU8()).toString('utf8'), r.getCollection()])).toEqual([
      ['\u0000ecch.order\u0000m1\u0000o1\u0000', peer.WriteRecord.Type.PUT_STATE, '{"a":1}', ''],
      ['gone', peer.WriteRecord.Type.DEL_STATE, '', ''],
    ]);
  });

  it(`when a transaction writes more than ${MAX_RECORDS_PER_BATCH} keys, then they go in messages of at most ${MAX_RECORDS_PER_BATCH} records, in order`, async () => {
    const { stub, sent } = peerStub();
    beginWriteBatch(stub);
    const n = 2 * MAX_RECORDS_PER_BATCH + 500;
    for (let i = 0; i < n; i++) await stub.putState(`k${String(i).padStart(5, '0')}`, Buffer.from(String(i)));
    expect(await flushWriteBatch(stub)).toBe(n);
    expect(sent.map((m) => m.records.length)).toEqual([MAX_RECORDS_PER_BATCH, MAX_RECORDS_PER_BATCH, 500]);
    expect(sent.flatMap((m) => m.records.map((r) => r.value))).toEqual(Array.from({ length: n }, (_, i) => String(i)));
  });

  it('when a transaction writes nothing, then the flush sends no message', async () => {
    const { stub, sent } = peerStub();
    beginWriteBatch(stub);
    expect(await flushWriteBatch(stub)).toBe(0);
    expect(sent).toEqual([]);
  });

  it('when the peer refuses a batch, then the flush fails with its error, so the transaction fails', async () => {
    const { stub } = peerStub(async () => {
      throw new Error('invalid key');
    });
    beginWriteBatch(stub);
    await stub.putState('a', Buffer.from('1'));
    await expect(flushWriteBatch(stub)).rejects.toThrow('invalid key');
  });

  it('when the stub has no peer handler (the embedded ledger) or ECCH_WRITE_BATCH=off, then writes go straight to the stub', async () => {
    const plain = { getTxID: () => 'tx0', getChannelID: () => 'ecch', async putState(_k: string, _v: Uint8Array) {}, async deleteState(_k: string) {} };
    expect(beginWriteBatch(plain)).toBe(false);
    process.env.ECCH_WRITE_BATCH = 'off';
    const { stub, sent, direct } = peerStub();
    expect(beginWriteBatch(stub)).toBe(false);
    await stub.putState('a', Buffer.from('1'));
    expect(await flushWriteBatch(stub)).toBe(0);
    expect(direct).toEqual(['put a']);
    expect(sent).toEqual([]);
  });
});

describe('the contracts on a stub that batches', () => {
  const realPut = EmbeddedStub.prototype.putState;
  const realDel = EmbeddedStub.prototype.deleteState;
  const sent: Sent[] = [];
  let c: Community;
  beforeAll(async () => {
    // Every embedded stub gets a peer handler that applies each batch through the stub's own writes.
    Object.defineProperty(EmbeddedStub.prototype, 'handler', {
      configurable: true,
      get(this: EmbeddedStub) {
        return {
          _askPeerAndListen: async (msg: unknown, method: string) => {
            const m = decode(msg, method);
            sent.push(m);
            const raw = peer.WriteBatchState.deserializeBinary((msg as ShimMessage).getPayload_asU8()).getRecList();
            for (const r of raw) {
              if (r.getType() === RECORD_PUT_STATE) await realPut.call(this, r.getKey(), Buffer.from(r.getValue_asU8()));
              else await realDel.call(this, r.getKey());
            }
            return Buffer.alloc(0);
          },
        };
      },
    });
    c = await community();
    await c.submit(c.na, 'markets', 'Create', marketInput('m1'));
    await c.submit(c.na, 'markets', 'Open', 'm1');
  });
  afterAll(async () => {
    delete (EmbeddedStub.prototype as { handler?: unknown }).handler;
    await c.shutdown();
  });

  it('when households place and the market clears, then each transaction sends its writes as one batch and the ledger reads back as with direct writes', async () => {
    const h1 = await c.household('h1');
    const h2 = await c.household('h2');
    sent.length = 0;
    const placed = await c.submit<{ order: { id: string } }>(h1, 'orders', 'Place', 'm1', JSON.stringify({ side: 'buy', energyWh: 700, clientOrderId: 'r1' }));
    expect(sent).toHaveLength(1);
    expect(sent[0].records.map((r) => r.key.split('\u0000')[1])).toEqual(['ecch.order', 'ecch.active', 'ecch.porder']);
    await c.submit(h2, 'orders', 'Place', 'm1', JSON.stringify({ side: 'sell', energyWh: 500 }));
    const book = await c.evaluate<{ buy: { levels: unknown[] }; sell: { levels: unknown[] } }>(c.na, 'markets', 'GetOrderBook', 'm1');
    expect(book.buy.levels).toHaveLength(1);
    expect(book.sell.levels).toHaveLength(1);
    sent.length = 0;
    const cleared = await c.close<{ result: { allocations: { orderId: string; energyWh: number }[] } }>('m1');
    // GateClose, then Clear: one message each.
    expect(sent).toHaveLength(2);
    expect(cleared.result.allocations.find((a) => a.orderId === placed.order.id)?.energyWh).toBe(700);
    // The order's status is read from its settlement entry, which only the Clear's batch wrote.
    const order = await c.evaluate<{ id: string; status: string }>(h1, 'orders', 'Get', 'm1', placed.order.id);
    expect(order).toMatchObject({ id: placed.order.id, status: 'accepted' });
  });

  it('when a transaction is refused, then no batch is sent and nothing is written', async () => {
    const h3 = await c.household('h3');
    sent.length = 0;
    await expect(c.submit(h3, 'orders', 'Place', 'm1', JSON.stringify({ side: 'buy', energyWh: 100 }))).rejects.toThrow(/MARKET_NOT_OPEN/);
    expect(sent).toEqual([]);
  });
});

/** A contract that stages writes and then refuses, through fabric-shim's own dispatcher (before and after hooks as on a peer). */
class Staging extends EcchContract {
  constructor() {
    super('staging');
  }
  @Transaction()
  public async Write(ctx: Context): Promise<void> {
    await ctx.stub.putState('a', Buffer.from('1'));
    await ctx.stub.putState('b', Buffer.from('2'));
  }
  @Transaction()
  public async WriteThenRefuse(ctx: Context): Promise<void> {
    await ctx.stub.putState('a', Buffer.from('1'));
    throw new LedgerError('INVALID_STATE', 'refused after staging a write');
  }
}

describe('the transaction hooks', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ChaincodeFromContract = require('fabric-shim/lib/contract-spi/chaincodefromcontract');
  const dispatcher = new ChaincodeFromContract([Staging], { transaction: 'jsonSerializer', serializers: { jsonSerializer: JSONSerializer } }, {}, 'staging-cc', '0.1.0') as {
    Invoke(stub: unknown): Promise<{ status: number; message?: string }>;
  };
  const empty: StateView = { get: () => undefined, iterator: async function* () {} };

  async function invoke(fn: string) {
    const who = await newIdentity('writer');
    const stub = new EmbeddedStub(empty, { txId: `tx-${fn}`, channelId: 'ecch', timestampMs: 0, mspId: 'CommunityMSP', certificate: who.certificate, args: [`staging:${fn}`] }, 100_000);
    const sent: Sent[] = [];
    Object.defineProperty(stub, 'handler', {
      value: {
        async _askPeerAndListen(msg: unknown, method: string) {
          sent.push(decode(msg, method));
          return Buffer.alloc(0);
        },
      },
    });
    const response = await dispatcher.Invoke(stub);
    return { response, sent, direct: [...stub.writeSet.writes.keys()] };
  }

  it('when a transaction succeeds, then afterTransaction sends its writes as one batch and none went to the stub directly', async () => {
    const { response, sent, direct } = await invoke('Write');
    expect(response.status).toBe(200);
    expect(sent.map((m) => m.records.map((r) => r.key))).toEqual([['a', 'b']]);
    expect(sent[0].txid).toBe('tx-Write');
    expect(direct).toEqual([]);
  });

  it('when a transaction throws after staging a write, then no batch is sent', async () => {
    const { response, sent, direct } = await invoke('WriteThenRefuse');
    expect(response.status).not.toBe(200);
    expect(response.message).toContain('INVALID_STATE');
    expect(sent).toEqual([]);
    expect(direct).toEqual([]);
  });
});

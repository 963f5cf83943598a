/**
 * Who can read blocks (network/README.md, "Who can read blocks"; the ACLs and Readers
 * policies of network/configtx.yaml). A block holds every transaction's arguments and
 * write set: orders and their limits, settlements, participant attributes. Only peers
 * and admins may read blocks; a household's client identity (the certificate the
 * gateway issued it at registration) and the NA's (also a client) are refused every
 * way of getting one: qscc, the peers' Deliver service (full blocks, blocks with private
 * data, filtered blocks) and the orderers' Deliver service; of qscc, clients may read only
 * the chain height (GetChainInfo: no transaction content), which the gateway needs to refuse
 * an SSE Last-Event-ID beyond the last block. The household still
 * evaluates, submits and learns its commit status, and the chaincode's events still
 * reach the gateway's SSE stream and the household.
 */
import { createHash, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { signers } from '@hyperledger/fabric-gateway';
import { common, orderer, peer } from '@hyperledger/fabric-protos';
import type { LedgerIdentity } from '@ecch/gateway-api/ledger/port';
import {
  acquireNetworkLock,
  adminOf,
  chainHeight,
  loadConnection,
  openSession,
  peerNodeIdentity,
  type NetworkConnection,
  type Session,
  type SignerIdentity,
} from './support/network';
import {
  deliveryHour,
  openEventStream,
  openMarket,
  registerHousehold,
  removeDir,
  runTag,
  startTestGateway,
  tempDataDir,
  type TestGateway,
} from './support/gateway';

jest.setTimeout(120_000);

const conn = loadConnection();
const PEERS = ['peer0.community', 'peer0.grid'];
const tag = runTag('b');
const household = `${tag}-h1`;
const M = `${tag}-m1`;

let release: (() => Promise<void>) | undefined;
let dataDir: string | undefined;
let gw: TestGateway;
let token: string;
let householdIdentity: LedgerIdentity;
const sessions: Session[] = [];

function session(peerName: string, who: SignerIdentity | LedgerIdentity): Session {
  const s = openSession(conn, peerName, who);
  sessions.push(s);
  return s;
}

beforeAll(async () => {
  release = await acquireNetworkLock('block-access.test.ts');
}, 10 * 60_000);

beforeAll(async () => {
  dataDir = tempDataDir('block-access');
  gw = await startTestGateway('fabric', dataDir);
  token = await registerHousehold(gw, household);
  householdIdentity = await gw.identityOf(household);
  await openMarket(gw, M, deliveryHour());
});

afterAll(async () => {
  for (const s of sessions) s.close();
  await gw?.close();
  removeDir(dataDir);
  await release?.();
});

/** The identities of the tables below: who they are and whether Readers admits them. */
function identities(): { who: string; identity: SignerIdentity | LedgerIdentity; reads: boolean }[] {
  return [
    { who: 'the household (client)', identity: householdIdentity, reads: false },
    { who: 'the NA (client, ecch.role=na)', identity: gw.app.gateway.identities.na, reads: false },
    { who: 'the Community Admin', identity: adminOf(conn, 'peer0.community'), reads: true },
    { who: 'peer0.community', identity: peerNodeIdentity(conn, 'peer0.community'), reads: true },
    { who: 'the Grid Admin', identity: adminOf(conn, 'peer0.grid'), reads: true },
    { who: 'peer0.grid', identity: peerNodeIdentity(conn, 'peer0.grid'), reads: true },
  ];
}

// ------------------------------------------------------------------ what a household still does

let placed: { txId: string; blockNumber: bigint };

describe('a household without blocks', () => {
  it('when the household evaluates, submits and asks for its commit status itself, then it is served, and the gateway’s SSE stream and its own chaincode-event stream carry its order', async () => {
    const sse = await openEventStream(gw, token);
    try {
      const s = session('peer0.community', householdIdentity);
      const market = JSON.parse(Buffer.from(await s.network.getContract(conn.chaincode.name, 'markets').evaluateTransaction('Get', M)).toString());
      expect(market).toMatchObject({ id: M, status: 'open' });

      const tx = await s.network
        .getContract(conn.chaincode.name, 'orders')
        .newProposal('Place', { arguments: [M, JSON.stringify({ side: 'sell', energyWh: 1200 })] })
        .endorse();
      const submitted = await tx.submit();
      const status = await submitted.getStatus(); // the Gateway's CommitStatus, as the household
      expect({ code: status.code, successful: status.successful }).toEqual({ code: peer.TxValidationCode.VALID, successful: true });
      const order = (JSON.parse(Buffer.from(submitted.getResult()).toString()) as { order: { id: string } }).order;
      placed = { txId: tx.getTransactionId(), blockNumber: status.blockNumber };

      // The gateway follows the chaincode's events as the NA (a client identity).
      await sse.waitFor('order.placed on the gateway’s SSE stream', (evs) =>
        evs.some((e) => e.event === 'order.placed' && (JSON.parse(e.data) as { orderId?: string }).orderId === order.id),
      );

      // Chaincode events are the chaincode's owner-free projection: any member may follow them.
      const events = await s.network.getChaincodeEvents(conn.chaincode.name, { startBlock: status.blockNumber });
      try {
        for await (const event of events) {
          expect({ txId: event.transactionId, name: event.eventName }).toEqual({ txId: placed.txId, name: 'order.placed' });
          break;
        }
      } finally {
        events.close();
      }
    } finally {
      sse.close();
    }
  });
});

// ------------------------------------------------------------------ qscc

/**
 * Each qscc function with arguments that name something that exists (the household's own
 * transaction and its block). `members`: open to every channel member, clients included
 * (GetChainInfo: the height and the last block hashes, no transaction content).
 */
async function qsccCalls(): Promise<{ fn: string; args: (string | Uint8Array)[]; members?: true }[]> {
  const admin = session('peer0.community', adminOf(conn, 'peer0.community'));
  const block = common.Block.deserializeBinary(
    await admin.network.getContract('qscc').evaluateTransaction('GetBlockByNumber', conn.channel, placed.blockNumber.toString()),
  );
  const hash = blockHash(block.getHeader()!);
  return [
    { fn: 'GetChainInfo', args: [conn.channel], members: true },
    { fn: 'GetBlockByNumber', args: [conn.channel, placed.blockNumber.toString()] },
    { fn: 'GetBlockByHash', args: [conn.channel, hash] },
    { fn: 'GetTransactionByID', args: [conn.channel, placed.txId] },
    { fn: 'GetBlockByTxID', args: [conn.channel, placed.txId] },
  ];
}

/** A block's hash as Fabric computes it: SHA-256 of the ASN.1 DER sequence (number, previous hash, data hash). */
function blockHash(header: common.BlockHeader): Uint8Array {
  const integer = (n: number): Buffer => {
    let hex = n.toString(16);
    if (hex.length % 2) hex = `0${hex}`;
    let bytes = Buffer.from(hex, 'hex');
    if (bytes[0] & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
    return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
  };
  const octets = (b: Uint8Array): Buffer => Buffer.concat([Buffer.from([0x04, b.length]), Buffer.from(b)]);
  const body = Buffer.concat([integer(header.getNumber()), octets(header.getPreviousHash_asU8()), octets(header.getDataHash_asU8())]);
  const der = Buffer.concat([Buffer.from([0x30, body.length]), body]);
  return new Uint8Array(createHash('sha256').update(der).digest());
}

describe('qscc', () => {
  it('when each identity calls every qscc function on each peer, then clients are refused blocks and transactions (access denied), get the chain height, and peers and admins get everything', async () => {
    const calls = await qsccCalls();
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const { who, identity, reads } of identities()) {
      for (const peerName of PEERS) {
        const qscc = session(peerName, identity).network.getContract('qscc');
        for (const { fn, args, members } of calls) {
          const label = `${who} ${fn} on ${peerName}`;
          expected.push(`${label}: ${reads || members ? 'served' : 'access denied'}`);
          try {
            const bytes = await qscc.evaluate(fn, { arguments: args });
            outcomes.push(`${label}: ${bytes.length > 0 ? 'served' : 'empty answer'}`);
          } catch (err) {
            const details = (err as { details?: { message: string }[] }).details?.map((d) => d.message).join(' ') ?? '';
            outcomes.push(`${label}: ${/access denied/.test(`${(err as Error).message} ${details}`) ? 'access denied' : `failed: ${(err as Error).message}`}`);
          }
        }
      }
    }
    expect(outcomes).toEqual(expected);
  });

  it('when the gateway’s Fabric adapter is asked for the last block, then it is the height an admin reads, minus one', async () => {
    const admin = session('peer0.community', adminOf(conn, 'peer0.community'));
    const before = await chainHeight(admin, conn.channel);
    const last = await gw.app.gateway.ledger.lastBlock!();
    const after = await chainHeight(admin, conn.channel);
    expect(last).toBeGreaterThanOrEqual(before - 1n);
    expect(last).toBeLessThanOrEqual(after - 1n);
    expect(last).toBeGreaterThanOrEqual(placed.blockNumber);
  });

  it('when an admin reads the household’s block, then it is the block the commit status named, holding the order’s arguments a household must not read', async () => {
    const admin = session('peer0.community', adminOf(conn, 'peer0.community'));
    const processed = peer.ProcessedTransaction.deserializeBinary(
      await admin.network.getContract('qscc').evaluateTransaction('GetTransactionByID', conn.channel, placed.txId),
    );
    expect(processed.getValidationcode()).toBe(peer.TxValidationCode.VALID);
    const payload = common.Payload.deserializeBinary(processed.getTransactionenvelope()!.getPayload_asU8());
    const action = peer.Transaction.deserializeBinary(payload.getData_asU8()).getActionsList()[0];
    const proposal = peer.ChaincodeProposalPayload.deserializeBinary(peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8()).getChaincodeProposalPayload_asU8());
    const args = peer.ChaincodeInvocationSpec.deserializeBinary(proposal.getInput_asU8()).getChaincodeSpec()!.getInput()!.getArgsList_asU8().map((a) => Buffer.from(a).toString());
    expect(args).toEqual(['orders:Place', M, JSON.stringify({ side: 'sell', energyWh: 1200 })]);
  });
});

// ------------------------------------------------------------------ the peers' Deliver service

type Outcome = 'served' | 'forbidden' | string;

/** The first answer of a block stream from block 0: the genesis block (served) or a status. */
async function firstOf(stream: AsyncIterable<unknown> & { close(): void }, number: (item: unknown) => bigint): Promise<Outcome> {
  try {
    for await (const item of stream) return number(item) === 0n ? 'served' : `block ${number(item)}`;
    return 'ended';
  } catch (err) {
    return /Unexpected status response: 403\b/.test((err as Error).message) ? 'forbidden' : `failed: ${(err as Error).message}`;
  } finally {
    stream.close();
  }
}

describe('the peers’ Deliver service (fabric-gateway block events)', () => {
  it('when each identity asks each peer for blocks from 0 (full, with private data, filtered), then clients get FORBIDDEN and peers and admins the genesis block', async () => {
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const { who, identity, reads } of identities()) {
      for (const peerName of PEERS) {
        const network = session(peerName, identity).network;
        const kinds: [string, () => Promise<Outcome>][] = [
          ['getBlockEvents', async () => firstOf(await network.getBlockEvents({ startBlock: 0n }), (b) => BigInt((b as common.Block).getHeader()!.getNumber()))],
          [
            'getBlockAndPrivateDataEvents',
            async () => firstOf(await network.getBlockAndPrivateDataEvents({ startBlock: 0n }), (b) => BigInt((b as peer.BlockAndPrivateData).getBlock()!.getHeader()!.getNumber())),
          ],
          ['getFilteredBlockEvents', async () => firstOf(await network.getFilteredBlockEvents({ startBlock: 0n }), (b) => BigInt((b as peer.FilteredBlock).getNumber()))],
        ];
        for (const [kind, run] of kinds) {
          const label = `${who} ${kind} on ${peerName}`;
          expected.push(`${label}: ${reads ? 'served' : 'forbidden'}`);
          outcomes.push(`${label}: ${await run()}`);
        }
      }
    }
    expect(outcomes).toEqual(expected);
  });
});

// ------------------------------------------------------------------ the orderers' Deliver service

/**
 * `AtomicBroadcast/Deliver` on an orderer, signed by `who`, for blocks from 0: the same
 * signed SeekInfo envelope the peers' Deliver takes (built by fabric-gateway), sent
 * where the peers themselves pull blocks from. The first answer: block 0 or a status.
 */
async function ordererDeliver(c: NetworkConnection, ordererName: string, who: SignerIdentity | LedgerIdentity): Promise<Outcome> {
  const envelope = await signedSeekFromGenesis(who);
  const o = c.orderers[ordererName];
  const client = new grpc.Client(o.endpoint, grpc.credentials.createSsl(readFileSync(o.tlsCACertPath)), {
    'grpc.ssl_target_name_override': o.hostnameOverride,
    'grpc.max_receive_message_length': 100 * 1024 * 1024,
  });
  try {
    const call = client.makeBidiStreamRequest(
      '/orderer.AtomicBroadcast/Deliver',
      (e: common.Envelope) => Buffer.from(e.serializeBinary()),
      (b: Buffer) => orderer.DeliverResponse.deserializeBinary(b),
      new grpc.Metadata(),
      { deadline: Date.now() + 15_000 },
    );
    const first = new Promise<Outcome>((resolve) => {
      call.on('data', (r: orderer.DeliverResponse) => {
        if (r.getTypeCase() === orderer.DeliverResponse.TypeCase.BLOCK) resolve(r.getBlock()!.getHeader()!.getNumber() === 0 ? 'served' : 'another block');
        else resolve(r.getStatus() === common.Status.FORBIDDEN ? 'forbidden' : `status ${r.getStatus()}`);
      });
      call.on('error', (err: Error) => resolve(`failed: ${err.message}`));
      call.on('end', () => resolve('ended'));
    });
    call.write(envelope);
    const outcome = await first;
    call.cancel();
    return outcome;
  } finally {
    client.close();
  }
}

/** A DELIVER_SEEK_INFO envelope for blocks 0… signed by `who` (fabric-gateway builds it; no peer is called). */
async function signedSeekFromGenesis(who: SignerIdentity | LedgerIdentity): Promise<common.Envelope> {
  const s = session('peer0.community', who);
  const request = s.network.newBlockEventsRequest({ startBlock: 0n });
  const envelope = common.Envelope.deserializeBinary(request.getBytes());
  envelope.setSignature(await signers.newPrivateKeySigner(createPrivateKey(who.privateKey))(request.getDigest()));
  return envelope;
}

describe('the orderers’ Deliver service', () => {
  it('when each identity asks every orderer for blocks from 0, then clients get FORBIDDEN and peers and admins the genesis block', async () => {
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const { who, identity, reads } of identities()) {
      for (const ordererName of Object.keys(conn.orderers)) {
        const label = `${who} on ${ordererName}`;
        expected.push(`${label}: ${reads ? 'served' : 'forbidden'}`);
        outcomes.push(`${label}: ${await ordererDeliver(conn, ordererName, identity)}`);
      }
    }
    expect(outcomes).toEqual(expected);
  });
});

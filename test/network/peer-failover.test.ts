/**
 * Two peers per organisation (network/README.md, "Availability"): with one peer of
 * each organisation stopped mid-run, orders placed through the REST gateway keep
 * committing. The peers stopped are peer0.community, the gateway's own Gateway peer
 * (so the adapter must move to peer1.community), and peer0.grid (so the Gateway peer
 * must find the Grid endorsement at peer1.grid through service discovery): the
 * one-of-each fault that leaves AND(Community, Grid) just satisfiable. After their
 * restart both catch up with their siblings: same height, same last block hash, same
 * state answered by each peer itself. Every node stopped is started again in
 * `finally`; afterAll starts anything still down.
 */
import { execFile } from 'node:child_process';
import { common, msp, peer } from '@hyperledger/fabric-protos';
import {
  acquireNetworkLock,
  adminOf,
  committedEvents,
  eventually,
  loadConnection,
  mustRun,
  openSession,
  peerNodeIdentity,
  restoreNodes,
  waitForStableEndorsement,
  type Session,
} from './support/network';
import { ADMIN, deliveryHour, openMarket, registerHousehold, removeDir, runTag, startTestGateway, tempDataDir, type Reply, type TestGateway } from './support/gateway';
import { NETWORK_SH, REPO_ROOT } from './global-setup';

jest.setTimeout(300_000);

const conn = loadConnection();
const tag = runTag('pf');
const STOPPED = ['peer0.community', 'peer0.grid'];
const SIBLING: Record<string, string> = { 'peer0.community': 'peer1.community', 'peer0.grid': 'peer1.grid' };
const sessions: Session[] = [];
let release: (() => Promise<void>) | undefined;
let gw: TestGateway | undefined;
let dir: string | undefined;

function adminSession(peerName: string): Session {
  const s = openSession(conn, peerName, adminOf(conn, peerName));
  sessions.push(s);
  return s;
}

/** The peer's own chain info (qscc on a session to that peer; the Gateway evaluates system chaincode on itself). */
async function chainInfo(s: Session): Promise<{ height: bigint; hash: string }> {
  const info = common.BlockchainInfo.deserializeBinary(await s.network.getContract('qscc').evaluateTransaction('GetChainInfo', conn.channel));
  return { height: BigInt(info.getHeight()), hash: Buffer.from(info.getCurrentblockhash_asU8()).toString('base64') };
}

/** `peer chaincode query` as the peer's org Admin, answered by that very peer (CORE_PEER_ADDRESS), not by whichever its Gateway picks. */
function queryAt(peerName: string, args: string[]): Promise<string> {
  const org = peerName.endsWith('.grid') ? 'grid' : 'community';
  const script = `eval "$(bash "$0" env ${org})" && CORE_PEER_ADDRESS="$4" peer chaincode query -C "$1" -n "$2" -c "$3"`;
  const call = JSON.stringify({ Args: args });
  return new Promise((resolve, reject) => {
    execFile('bash', ['-c', script, NETWORK_SH, conn.channel, conn.chaincode.name, call, conn.peers[peerName].endpoint], { cwd: REPO_ROOT, timeout: 30_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`peer chaincode query on ${peerName}: ${err.message}\n${stderr}`)) : resolve(stdout.trim()),
    );
  });
}

/** The certificates that endorsed a committed transaction, read from the block through `s`'s peer (qscc GetTransactionByID). */
async function endorsersOf(s: Session, txId: string): Promise<string[]> {
  const processed = peer.ProcessedTransaction.deserializeBinary(await s.network.getContract('qscc').evaluateTransaction('GetTransactionByID', conn.channel, txId));
  expect(processed.getValidationcode()).toBe(peer.TxValidationCode.VALID);
  const payload = common.Payload.deserializeBinary(processed.getTransactionenvelope()!.getPayload_asU8());
  const action = peer.Transaction.deserializeBinary(payload.getData_asU8()).getActionsList()[0];
  return peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8())
    .getAction()!
    .getEndorsementsList()
    .map((e) => Buffer.from(msp.SerializedIdentity.deserializeBinary(e.getEndorser_asU8()).getIdBytes_asU8()).toString('utf8').trim());
}

const certOf = (peerName: string): string => Buffer.from(peerNodeIdentity(conn, peerName).certificate).toString('utf8').trim();

beforeAll(async () => {
  if (process.env.ECCH_NETWORK_MODE === 'compose') {
    throw new Error('peer-failover.test.ts stops and starts native nodes with network/scripts/network.sh; it does not run against ECCH_NETWORK_MODE=compose');
  }
  release = await acquireNetworkLock('peer-failover.test.ts');
}, 10 * 60_000);

afterAll(async () => {
  await gw?.close().catch(() => undefined);
  removeDir(dir);
  for (const s of sessions) s.close();
  try {
    await restoreNodes(conn, Object.keys(conn.peers));
  } finally {
    await release?.();
  }
}, 5 * 60_000);

describe('one peer of each organisation stops mid-run', () => {
  const M = `${tag}-m`;
  const N = 6;
  const households = Array.from({ length: N }, (_, i) => `${tag}-h${i}`);
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    expect(Object.keys(conn.peers).sort()).toEqual(['peer0.community', 'peer0.grid', 'peer1.community', 'peer1.grid']);
    dir = tempDataDir('peer-failover');
    gw = await startTestGateway('fabric', dir);
    for (const id of households) tokens[id] = await registerHousehold(gw, id);
    await openMarket(gw, M, deliveryHour());
  });

  it('when peer0.community (the gateway’s Gateway peer) and peer0.grid stop while orders are placed, then every order commits, endorsed by peer1.community and peer1.grid, and after restart both catch up with their siblings', async () => {
    const g = gw!;
    const orders = `/v1/markets/${M}/orders`;
    const place = (i: number) => g.call('POST', orders, tokens[households[i]], { side: i % 2 === 0 ? 'sell' : 'buy', energyWh: 1000 + i });
    // Before: the gateway works through peer0.community.
    const first = await place(0);
    expect(first.status).toBe(201);

    let placed: Reply[] = [];
    const heightsBefore = Object.fromEntries(await Promise.all(STOPPED.map(async (p) => [p, (await chainInfo(adminSession(p))).height] as const)));
    // Mid-run: the stops land among orders in flight.
    const inFlight = Promise.all([1, 2].map(place));
    await Promise.all(STOPPED.map((p) => mustRun('stop-node', p)));
    try {
      for (const p of STOPPED) await expect(chainInfo(adminSession(p))).rejects.toThrow(); // really down
      placed = [...(await inFlight)];
      // Every transaction from here on is endorsed while both are down.
      const survivor = adminSession('peer1.community');
      const from = (await chainInfo(survivor)).height;
      // One at a time, then the rest at once.
      placed.push(await place(3));
      placed.push(...(await Promise.all([4, 5].map(place))));
      expect(placed.map((r) => `${r.status} ${r.body?.code ?? ''}`.trim())).toEqual(Array(N - 1).fill('201'));
      // Amends too: a read-modify-write of a key written a moment before, on the surviving peers.
      const amended = await g.call('PATCH', `${orders}/${placed[3].body.id}`, tokens[households[4]], { energyWh: 3333 });
      expect({ status: amended.status, revision: amended.body.revision }).toEqual({ status: 200, revision: 2 });

      // Who endorsed them, read from the committed blocks: the surviving peer of each org.
      const to = (await chainInfo(survivor)).height - 1n;
      const events = await committedEvents(survivor, conn.channel, conn.chaincode.name, from, to);
      expect(events.map((e) => e.name).sort()).toEqual(['order.amended', 'order.placed', 'order.placed', 'order.placed']);
      for (const { txId } of events) {
        expect({ txId, endorsers: (await endorsersOf(survivor, txId)).sort() }).toEqual({ txId, endorsers: [certOf('peer1.community'), certOf('peer1.grid')].sort() });
      }
      const stored = await g.call('GET', `${orders}?pageSize=100`, ADMIN);
      expect(stored.body.items.map((o: { id: string }) => o.id).sort()).toEqual([first, ...placed].map((r) => r.body.id as string).sort());
    } finally {
      for (const p of STOPPED) await mustRun('start-node', p);
    }

    // Caught up: each restarted peer has its sibling's height and last block hash, and answers the same state itself.
    for (const p of STOPPED) {
      const info = await eventually(
        `${p} catches up with ${SIBLING[p]}`,
        async () => {
          const [mine, theirs] = await Promise.all([chainInfo(adminSession(p)), chainInfo(adminSession(SIBLING[p]))]);
          if (mine.height !== theirs.height || mine.hash !== theirs.hash) throw new Error(`${p} ${mine.height} ${mine.hash}, ${SIBLING[p]} ${theirs.height} ${theirs.hash}`);
          return mine;
        },
        90_000,
        500,
      );
      expect(info.height).toBeGreaterThan(heightsBefore[p]);
      const [own, sibling] = await Promise.all([queryAt(p, ['markets:GetOrderBook', M]), queryAt(SIBLING[p], ['markets:GetOrderBook', M])]);
      expect(own).toBe(sibling);
      // Sells 0, 2, 4 (4 amended to 3333 Wh), buys 1, 3, 5.
      const book = JSON.parse(own);
      expect({ sell: book.sell, buy: book.buy }).toEqual({
        sell: expect.objectContaining({ totalWh: 1000 + 1002 + 3333, orders: 3 }),
        buy: expect.objectContaining({ totalWh: 1001 + 1003 + 1005, orders: 3 }),
      });
    }
    await waitForStableEndorsement(adminSession('peer0.community'), conn.chaincode.name);
  });
});

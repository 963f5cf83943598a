/**
 * Faults on the real Fabric network, through the REST gateway and its Fabric adapter:
 * the Raft leader stops mid-run (orders keep committing), both Grid peers stop (no
 * Grid endorsement is left: submits fail fast with a 503, their ledgers catch up after
 * restart; one peer of each org stopping is peer-failover.test.ts), and the gateway restarts
 * while others commit (its event stream resumes from the checkpoint, nothing lost or
 * repeated). Every node stopped is started again in a finally block, and afterAll
 * starts anything still down, so later suites see a healthy network.
 */
import { execFile } from 'node:child_process';
import { peer } from '@hyperledger/fabric-protos';
import {
  acquireNetworkLock,
  adminOf,
  chainHeight,
  committedEvents,
  eventually,
  loadConnection,
  mustRun,
  openSession,
  osnadminInfo,
  raftLeader,
  restoreNodes,
  text,
  waitForStableEndorsement,
  type Session,
} from './support/network';
import {
  ADMIN,
  deliveryHour,
  openEventStream,
  openMarket,
  registerHousehold,
  removeDir,
  runTag,
  startTestGateway,
  tempDataDir,
  type SseEvent,
  type TestGateway,
} from './support/gateway';
import { NETWORK_SH, REPO_ROOT } from './global-setup';

jest.setTimeout(180_000);

const conn = loadConnection();
const ORDERERS = Object.keys(conn.orderers);
const tag = runTag('f');
const dirs: string[] = [];
const gateways: TestGateway[] = [];
const sessions: Session[] = [];
let release: (() => Promise<void>) | undefined;

async function fabricGateway(name: string, dir?: string): Promise<TestGateway> {
  const dataDir = dir ?? tempDataDir(`faults-${name}`);
  if (!dir) dirs.push(dataDir);
  const gw = await startTestGateway('fabric', dataDir);
  gateways.push(gw);
  return gw;
}

function session(peerName: string, who: Parameters<typeof openSession>[2]): Session {
  const s = openSession(conn, peerName, who);
  sessions.push(s);
  return s;
}

/** `peer chaincode query` as an org's Admin, with the environment `network.sh env ORG` prints. */
function peerCliQuery(org: 'community' | 'grid', args: string[]): Promise<string> {
  const call = JSON.stringify({ Args: args });
  const script = `eval "$(bash "$0" env ${org})" && peer chaincode query -C "$1" -n "$2" -c "$3"`;
  return new Promise((resolve, reject) => {
    execFile('bash', ['-c', script, NETWORK_SH, conn.channel, conn.chaincode.name, call], { cwd: REPO_ROOT, timeout: 30_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`peer chaincode query as ${org}: ${err.message}\n${stderr}`)) : resolve(stdout.trim()),
    );
  });
}

beforeAll(async () => {
  if (process.env.ECCH_NETWORK_MODE === 'compose') {
    throw new Error('faults.test.ts stops and starts native nodes with network/scripts/network.sh; it does not run against ECCH_NETWORK_MODE=compose');
  }
  release = await acquireNetworkLock('faults.test.ts');
}, 10 * 60_000);

afterAll(async () => {
  for (const s of sessions) s.close();
  for (const gw of gateways) await gw.close().catch(() => undefined);
  for (const dir of dirs) removeDir(dir);
  // A test that failed between stop and start has already restarted its node in `finally`;
  // this is the safety net.
  try {
    await restoreNodes(conn, [...ORDERERS, ...Object.keys(conn.peers)]);
  } finally {
    await release?.();
  }
}, 5 * 60_000);

describe('an orderer stops mid-run', () => {
  const N = 8;
  const M = `${tag}-mo`;
  const households = Array.from({ length: N }, (_, i) => `${tag}-o${i}`);
  const tokens: Record<string, string> = {};
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await fabricGateway('orderer');
    for (const id of households) tokens[id] = await registerHousehold(gw, id);
    await openMarket(gw, M, deliveryHour());
  });

  it(`when the Raft leader is stopped, then all ${N} orders placed while it is down are accepted and committed, and it catches up after restart`, async () => {
    const leader = (await raftLeader(conn)) ?? 'orderer1';
    const remaining = ORDERERS.filter((o) => o !== leader);
    const orders = `/v1/markets/${M}/orders`;
    process.stderr.write(`[faults] stopping the Raft leader: ${leader}\n`);
    await mustRun('stop-node', leader);
    let placedIds: string[];
    try {
      await expect(osnadminInfo(conn, leader)).rejects.toThrow(); // really down
      // All at once, straight after the stop: they meet the leader election.
      const placed = await Promise.all(
        households.map((id, i) => gw.call('POST', orders, tokens[id], { side: i % 2 === 0 ? 'sell' : 'buy', energyWh: 1000 + i })),
      );
      expect(placed.map((r) => `${r.status} ${r.body?.code ?? ''}`.trim())).toEqual(Array(N).fill('201'));
      placedIds = placed.map((r) => r.body.id as string);
      // Then one at a time, still without it: each household amends its order.
      for (const [i, id] of households.entries()) {
        const amended = await gw.call('PATCH', `${orders}/${placedIds[i]}`, tokens[id], { energyWh: 2000 + i });
        expect({ id, status: amended.status, revision: amended.body.revision }).toEqual({ id, status: 200, revision: 2 });
      }
      const newLeader = await raftLeader(conn);
      expect(remaining).toContain(newLeader);
      await expect(osnadminInfo(conn, leader)).rejects.toThrow(); // it was down the whole time
    } finally {
      await mustRun('start-node', leader);
    }
    const stored = await gw.call('GET', `${orders}?pageSize=100`, ADMIN);
    expect(stored.body.items.map((o: { id: string }) => o.id).sort()).toEqual([...placedIds].sort());
    expect(stored.body.items.map((o: { energyWh: number }) => o.energyWh).sort()).toEqual(households.map((_, i) => 2000 + i).sort());

    // The restarted orderer is an active consenter again with every block the others have.
    await eventually(
      `${leader} catches up with the other orderers`,
      async () => {
        const infos = await Promise.all(ORDERERS.map(async (o) => ({ o, ...(await osnadminInfo(conn, o)) })));
        const summary = infos.map((i) => `${i.o}:${i.status}/${i.consensusRelation}/${i.height}`).join(' ');
        if (!infos.every((i) => i.status === 'active' && i.consensusRelation === 'consenter' && i.height === infos[0].height)) throw new Error(summary);
      },
      60_000,
      500,
    );
  });
});

describe('both Grid peers stop and restart', () => {
  const M = `${tag}-mp`;
  const households = ['a', 'b', 'c', 'd'].map((x) => `${tag}-p${x}`);
  const tokens: Record<string, string> = {};
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await fabricGateway('peer');
    for (const id of households) tokens[id] = await registerHousehold(gw, id);
    await openMarket(gw, M, deliveryHour());
  });

  it('when peer0.grid and peer1.grid are down, then submits fail fast with 503, reads still answer, and after restart their ledgers catch up with what they missed', async () => {
    const na = gw.app.gateway.identities.na;
    const community = session('peer0.community', na);
    const grid = session('peer0.grid', na);
    // Heights and blocks come from qscc; blocks only peers and admins may read (configtx.yaml ACLs), so read both as admins.
    const communityAdmin = session('peer0.community', adminOf(conn, 'peer0.community'));
    const gridAdmin = session('peer0.grid', adminOf(conn, 'peer0.grid'));
    const grid1Admin = session('peer1.grid', adminOf(conn, 'peer1.grid'));
    const orders = `/v1/markets/${M}/orders`;
    const [a, b, c, d] = households;

    // Endorsed by both orgs now (AND policy), ordered and committed only once the Grid peers are down.
    const endorsed = await Promise.all(
      [a, b, c].map(async (id, i) =>
        session('peer0.community', await gw.identityOf(id))
          .network.getContract(conn.chaincode.name, 'orders')
          .newProposal('Place', { arguments: [M, JSON.stringify({ side: 'sell', energyWh: 500 + i })] })
          .endorse(),
      ),
    );
    const gridHeightBefore = await chainHeight(gridAdmin, conn.channel);

    const GRID_PEERS = ['peer0.grid', 'peer1.grid'];
    await Promise.all(GRID_PEERS.map((p) => mustRun('stop-node', p)));
    try {
      await expect(grid.network.getContract(conn.chaincode.name, 'markets').evaluateTransaction('Get', M)).rejects.toThrow(); // really down
      await expect(chainHeight(grid1Admin, conn.channel)).rejects.toThrow();

      const started = Date.now();
      const refused = await gw.call('POST', orders, tokens[d], { side: 'buy', energyWh: 900 }, { 'idempotency-key': 'during-outage' });
      const took = Date.now() - started;
      expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 503, code: 'LEDGER_UNAVAILABLE' });
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(took).toBeLessThan(10_000); // an answer, not a hang until some distant timeout

      const read = await gw.call('GET', `/v1/markets/${M}`, tokens[d]);
      expect({ status: read.status, market: read.body.status }).toEqual({ status: 200, market: 'open' });

      const statuses = await Promise.all(endorsed.map(async (tx) => (await tx.submit()).getStatus()));
      expect(statuses.map((s) => s.code)).toEqual([peer.TxValidationCode.VALID, peer.TxValidationCode.VALID, peer.TxValidationCode.VALID]);
    } finally {
      for (const p of GRID_PEERS) await mustRun('start-node', p);
    }

    // The Grid peers pull the blocks they missed from the orderers: same height, same state.
    const height = await eventually(
      'both Grid peers reach the Community peer’s height',
      async () => {
        const [hc, hg, hg1] = await Promise.all([chainHeight(communityAdmin, conn.channel), chainHeight(gridAdmin, conn.channel), chainHeight(grid1Admin, conn.channel)]);
        if (hg !== hc || hg1 !== hc) throw new Error(`community ${hc}, peer0.grid ${hg}, peer1.grid ${hg1}`);
        return hg;
      },
      60_000,
      500,
    );
    expect(height).toBeGreaterThan(gridHeightBefore);
    const list = (s: Session) => s.network.getContract(conn.chaincode.name, 'orders').evaluateTransaction('ListByMarket', M, '', '');
    const viaCommunity = text(await list(community));
    // The NA's session on peer0.grid last failed while the peer was down: its gRPC channel
    // reconnects on its own backoff schedule, a few seconds after the peer is back.
    const viaGrid = await eventually('the NA’s session on peer0.grid reconnects', async () => text(await list(grid)), 30_000, 500);
    expect(viaGrid).toBe(viaCommunity);
    expect(JSON.parse(viaCommunity).items.map((o: { participantId: string }) => o.participantId).sort()).toEqual([a, b, c].sort());

    // The same through the peer CLI, as each org's Admin (`network.sh env ORG`).
    const bookViaGrid = await peerCliQuery('grid', ['markets:GetOrderBook', M]);
    expect(bookViaGrid).toBe(await peerCliQuery('community', ['markets:GetOrderBook', M]));
    expect(JSON.parse(bookViaGrid).sell).toEqual(expect.objectContaining({ totalWh: 500 + 501 + 502, orders: 3 }));

    // And the gateway's submits are endorsed by both orgs again (gossip reconnects within seconds).
    const back = await eventually(
      'a submit through the gateway is accepted again',
      async () => {
        const r = await gw.call('POST', orders, tokens[d], { side: 'buy', energyWh: 900 }, { 'idempotency-key': 'during-outage' });
        if (r.status !== 201 && r.status !== 200) throw new Error(`${r.status} ${r.body?.code}`);
        return r;
      },
      60_000,
      1000,
    );
    expect(back.body).toEqual(expect.objectContaining({ participantId: d, energyWh: 900, status: 'open' }));
    // Leave a settled network: the Community peer's gossip may still drop the old incarnation once.
    await waitForStableEndorsement(community, conn.chaincode.name);
  });
});

describe('the gateway restarts while others commit', () => {
  const M = `${tag}-mg`;
  const parse = (id: string) => ({ block: BigInt(id.slice(0, id.indexOf('.'))), txId: id.slice(id.indexOf('.') + 1) });
  const marketOf = (e: SseEvent): string | undefined => {
    const data = JSON.parse(e.data) as { marketId?: string; id?: string; market?: { id: string } };
    return data.marketId ?? data.market?.id ?? data.id;
  };

  it('when it comes back on the same DATA_DIR, then the event stream resumes after the last event seen: every committed event once, in order', async () => {
    const dirA = tempDataDir('faults-gw-a');
    dirs.push(dirA);
    let a = await fabricGateway('gw-a', dirA);
    const hA = `${tag}-ga`;
    const hB = `${tag}-gb`;
    const tokenA = await registerHousehold(a, hA);

    const before = await openEventStream(a, ADMIN);
    await openMarket(a, M, deliveryHour());
    const placedA = await a.call('POST', `/v1/markets/${M}/orders`, tokenA, { side: 'sell', energyWh: 4000 });
    expect(placedA.status).toBe(201);
    await before.waitFor('order.placed through gateway A', (evs) => evs.some((e) => e.event === 'order.placed' && marketOf(e) === M));
    await a.close();
    await before.ended; // the server ends the stream when it shuts down
    const lastSeen = before.events.at(-1)!;
    expect(lastSeen.event).toBe('order.placed');

    // While A is down, another gateway (its own DATA_DIR, same network) commits more.
    const b = await fabricGateway('gw-b');
    const tokenB = await registerHousehold(b, hB);
    const placedB = await b.call('POST', `/v1/markets/${M}/orders`, tokenB, { side: 'buy', energyWh: 3000 });
    expect(placedB.status).toBe(201);
    expect((await b.call('PATCH', `/v1/markets/${M}/orders/${placedB.body.id}`, tokenB, { energyWh: 2500 })).status).toBe(200);
    expect((await b.call('POST', `/v1/participants/${hA}/suspend`, ADMIN)).status).toBe(200);
    expect((await b.call('POST', `/v1/participants/${hA}/reinstate`, ADMIN)).status).toBe(200);
    expect((await b.call('POST', `/v1/participants/${hA}/suspend`, ADMIN)).status).toBe(200);
    await b.close();

    a = await fabricGateway('gw-a', dirA);
    const after = await openEventStream(a, ADMIN, lastSeen.id);
    expect((await a.call('POST', `/v1/markets/${M}/close`, ADMIN)).status).toBe(200);
    await after.waitFor('market.settled of the market, through the restarted gateway', (evs) => evs.some((e) => e.event === 'market.settled' && marketOf(e) === M));
    after.close();

    // The truth: the chaincode events of the valid transactions in the blocks themselves.
    const seen = [...before.events, ...after.events];
    expect(seen.filter((e) => e.event === 'error' || e.event === 'client-error')).toEqual([]);
    const first = parse(seen[0].id!);
    const closed = seen.find((e) => e.event === 'market.closed' && marketOf(e) === M)!;
    const last = parse(closed.id!);
    const truth = await committedEvents(session('peer0.community', adminOf(conn, 'peer0.community')), conn.channel, conn.chaincode.name, first.block, last.block);
    const from = truth.findIndex((t) => t.txId === first.txId);
    const to = truth.findIndex((t) => t.txId === last.txId);
    expect({ from: from >= 0, to: to >= from }).toEqual({ from: true, to: true });
    const committed = truth.slice(from, to + 1).map((t) => `${t.blockNumber}.${t.txId} ${t.name}`);
    const delivered = seen.filter((e) => e.event !== 'market.settled').map((e) => `${e.id} ${e.event}`);
    expect(delivered).toEqual(committed);
    expect(new Set(delivered).size).toBe(delivered.length);
    // What B committed while A was down is among them, in the order it happened.
    // The close of an open market is two transactions: gate closure, then the clearing.
    expect(after.events.map((e) => e.event).slice(0, 8)).toEqual([
      'participant.registered',
      'order.placed',
      'order.amended',
      'participant.suspended',
      'participant.reinstated',
      'participant.suspended',
      'market.gate-closed',
      'market.closed',
    ]);
    // market.settled is derived from market.closed: same id, right after it.
    const closedAt = seen.indexOf(closed);
    expect(seen[closedAt + 1]).toEqual({ ...closed, event: 'market.settled' });

    // The gateway's own follower (file checkpoint in DATA_DIR) caught up too: hA's token is now refused.
    await eventually('gateway A learns that hA was suspended while it was down', async () => {
      const r = await a.call('GET', `/v1/participants/${hA}`, tokenA);
      if (r.status !== 403) throw new Error(`still ${r.status}`);
    });
  });
});

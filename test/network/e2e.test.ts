/**
 * End to end on the real Fabric network (started by global-setup): the REST gateway
 * with its Fabric adapter, households with their own X.509 identities from the
 * Community CA, a whole market cycle whose every figure equals the embedded ledger's
 * for the same requests and the worked example of market-rules.md §8, authorisation
 * enforced by the chaincode itself, idempotent retries (also across a gateway
 * restart), and an argument above gRPC's default 4 MiB message limit (refused by the
 * chaincode's input limits, not by gRPC).
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { EndorseError, GatewayError } from '@hyperledger/fabric-gateway';
import { identityKey } from '@ecch/gateway-api/identity/identity-key';
import { createCertificateAuthority, issueIdentity } from '@ecch/gateway-api/identity/issuer';
import { LedgerRefusal, type LedgerIdentity } from '@ecch/gateway-api/ledger/port';
import { acquireNetworkLock, loadConnection, openSession, text } from './support/network';
import {
  ADMIN,
  deliveryHour,
  openEventStream,
  openMarket,
  removeDir,
  runTag,
  startTestGateway,
  tempDataDir,
  type Reply,
  type TestGateway,
} from './support/gateway';

jest.setTimeout(120_000);

const conn = loadConnection();
const COMMUNITY = 'CommunityMSP';
const tag = runTag('e');
const H = [1, 2, 3, 4, 5].map((n) => `${tag}-h${n}`);
const [h1, h2, h3, h4, h5] = H;
const M1 = `${tag}-m1`;
/** M1's delivery hour, the same on both ledgers (their replies are compared). */
const M1_START = deliveryHour();

// ------------------------------------------------------------------ the script

interface Step {
  status: number;
  body: unknown;
}

interface Cycle {
  steps: Record<string, Step>;
  tokens: Record<string, string>;
  /** participant id → the ledger identity it was bound to at registration */
  identities: Record<string, string>;
  /** order id → `order(<participant>)`, to compare two ledgers whose ids differ */
  orderLabels: Map<string, string>;
}

/** The grid account's entry for one market, paging through every market the network has settled. */
async function gridEntryFor(gw: TestGateway, marketId: string): Promise<{ entry: unknown; balance: number; sumOfEntries: number }> {
  let bookmark = '';
  let entry: unknown;
  let balance = NaN;
  let sumOfEntries = 0;
  do {
    const r = await gw.call('GET', `/v1/accounts/grid?pageSize=1000${bookmark ? `&bookmark=${encodeURIComponent(bookmark)}` : ''}`, ADMIN);
    if (r.status !== 200) throw new Error(`grid account: ${r.status} ${JSON.stringify(r.body)}`);
    balance = r.body.balance;
    for (const e of r.body.entries as { marketId: string; amount: number }[]) {
      sumOfEntries += e.amount;
      if (e.marketId === marketId) entry = e;
    }
    bookmark = r.body.bookmark ?? '';
  } while (bookmark !== '');
  return { entry, balance, sumOfEntries };
}

/**
 * §8 through the REST API, with the detours a real session takes: h1 offers 2500 Wh and
 * amends to 3000, retries its placement with the same Idempotency-Key, h2 tries to touch
 * h1's order, h5 places and cancels. Every reply is recorded.
 */
async function marketCycle(gw: TestGateway): Promise<Cycle> {
  const steps: Record<string, Step> = {};
  const tokens: Record<string, string> = {};
  const identities: Record<string, string> = {};
  const orderLabels = new Map<string, string>();
  const record = (name: string, r: Reply): Reply => {
    steps[name] = { status: r.status, body: r.body };
    return r;
  };

  for (const [i, id] of H.entries()) {
    const r = record(
      `register ${i + 1}`,
      await gw.call('POST', '/v1/participants', ADMIN, {
        id,
        name: `Household ${i + 1}`,
        kind: i < 2 ? 'prosumer' : 'consumer',
        ...(i < 2 ? { pvKwp: 5.5, batteryKwh: 13.5 } : {}),
        lot: i < 3 ? 2 : 4,
        dwelling: i < 3 ? 'villa' : 'flat',
      }),
    );
    tokens[id] = r.body.token;
    // The token is random, and the bound identity names the issuing CA, which differs between the two ledgers.
    const { identity, ...participant } = r.body.participant ?? {};
    steps[`register ${i + 1}`].body = participant;
    identities[id] = identity;
  }
  record('create', await gw.call('POST', '/v1/markets', ADMIN, { id: M1, deliveryStart: M1_START, gridBuyPrice: 130000, gridSellPrice: 40000 }));
  record('open', await gw.call('POST', `/v1/markets/${M1}/open`, ADMIN));

  const orders = `/v1/markets/${M1}/orders`;
  const placed = async (who: string, name: string, body: object, headers?: Record<string, string>) => {
    const r = record(name, await gw.call('POST', orders, tokens[who], body, headers));
    if (r.body?.id) orderLabels.set(r.body.id, `order(${r.body.participantId})`);
    return r;
  };
  const o1 = await placed(h1, 'place h1', { side: 'sell', energyWh: 2500 }, { 'idempotency-key': 'k-h1' });
  await placed(h1, 'retry h1', { side: 'sell', energyWh: 2500 }, { 'idempotency-key': 'k-h1' });
  record('amend h1', await gw.call('PATCH', `${orders}/${o1.body.id}`, tokens[h1], { energyWh: 3000 }));
  record('h2 amends h1', await gw.call('PATCH', `${orders}/${o1.body.id}`, tokens[h2], { energyWh: 1 }));
  record('h2 cancels h1', await gw.call('DELETE', `${orders}/${o1.body.id}`, tokens[h2]));
  await placed(h2, 'place h2', { side: 'sell', energyWh: 1000, limitPrice: 100000 });
  await placed(h3, 'place h3', { side: 'buy', energyWh: 4000 });
  await placed(h4, 'place h4', { side: 'buy', energyWh: 2000, limitPrice: 60000 });
  const o5 = await placed(h5, 'place h5', { side: 'buy', energyWh: 5000 });
  record('cancel h5', await gw.call('DELETE', `${orders}/${o5.body.id}`, tokens[h5]));
  record('orderbook', await gw.call('GET', `/v1/markets/${M1}/orderbook`, tokens[h3]));
  record('h1 own orders', await gw.call('GET', orders, tokens[h1]));

  record('close', await gw.call('POST', `/v1/markets/${M1}/close`, ADMIN));
  record('market', await gw.call('GET', `/v1/markets/${M1}`, tokens[h4]));
  record('result', await gw.call('GET', `/v1/markets/${M1}/result`, tokens[h5]));
  record('all orders', await gw.call('GET', orders, ADMIN));
  for (const id of H) record(`account ${id}`, await gw.call('GET', `/v1/participants/${id}/account`, tokens[id]));
  record('late order', await gw.call('POST', orders, tokens[h5], { side: 'buy', energyWh: 1 }));
  const grid = await gridEntryFor(gw, M1);
  steps['grid entry'] = { status: 200, body: grid.entry };
  steps['grid balance is the sum of its entries'] = { status: 200, body: grid.balance === grid.sumOfEntries };
  return { steps, tokens, identities, orderLabels };
}

const VOLATILE = new Set(['createdAt', 'updatedAt', 'registeredAt', 'openedAt', 'closedAt', 'settledAt', 'at', 'requestId']);

/** Ids → labels, timestamps and request ids dropped, arrays in a canonical order. */
function normalise(value: unknown, labels: Map<string, string>): unknown {
  if (Array.isArray(value)) {
    return value.map((v) => normalise(v, labels)).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k]) => !VOLATILE.has(k)).map(([k, v]) => [k, normalise(v, labels)]));
  }
  if (typeof value === 'string') {
    let s = value;
    for (const [id, label] of labels) s = s.split(id).join(label);
    return s;
  }
  return value;
}

// ------------------------------------------------------------------ suite

let release: (() => Promise<void>) | undefined;
let fabricDir: string;
let embeddedDir: string;
let fabric: TestGateway;
let embedded: TestGateway | undefined;
let onFabric: Cycle;
let onEmbedded: Cycle;

beforeAll(async () => {
  release = await acquireNetworkLock('e2e.test.ts');
  embeddedDir = tempDataDir('e2e-embedded');
  fabricDir = tempDataDir('e2e-fabric');
  embedded = await startTestGateway('embedded', embeddedDir);
  onEmbedded = await marketCycle(embedded);
  await embedded.close();
  embedded = undefined;
  fabric = await startTestGateway('fabric', fabricDir);
  onFabric = await marketCycle(fabric);
}, 12 * 60_000);

afterAll(async () => {
  await embedded?.close();
  await fabric?.close();
  removeDir(embeddedDir);
  removeDir(fabricDir);
  await release?.();
});

/** What each step must answer: the comparison below is only meaningful if the script did what it says. */
const EXPECTED_STATUS: Record<string, number> = {
  ...Object.fromEntries(H.map((_, i) => [`register ${i + 1}`, 201])),
  create: 201,
  open: 200,
  'place h1': 201,
  'retry h1': 200,
  'amend h1': 200,
  'h2 amends h1': 403,
  'h2 cancels h1': 403,
  'place h2': 201,
  'place h3': 201,
  'place h4': 201,
  'place h5': 201,
  'cancel h5': 200,
  orderbook: 200,
  'h1 own orders': 200,
  close: 200,
  market: 200,
  result: 200,
  'all orders': 200,
  ...Object.fromEntries(H.map((id) => [`account ${id}`, 200])),
  'late order': 409,
  'grid entry': 200,
  'grid balance is the sum of its entries': 200,
};

describe('a market cycle on Fabric', () => {
  it('when the script runs on either ledger, then every step answers the status it should', () => {
    const statuses = (c: Cycle) => Object.fromEntries(Object.entries(c.steps).map(([k, v]) => [k, v.status]));
    expect(statuses(onEmbedded)).toEqual(EXPECTED_STATUS);
    expect(statuses(onFabric)).toEqual(EXPECTED_STATUS);
  });

  it('when the same requests run on the embedded ledger and on Fabric, then every reply is the same, field by field (ids and timestamps aside)', () => {
    const fabricSteps = normalise(onFabric.steps, onFabric.orderLabels) as Record<string, unknown>;
    const embeddedSteps = normalise(onEmbedded.steps, onEmbedded.orderLabels) as Record<string, unknown>;
    expect(Object.keys(fabricSteps)).toEqual(Object.keys(embeddedSteps));
    for (const step of Object.keys(embeddedSteps)) expect({ step, reply: fabricSteps[step] }).toEqual({ step, reply: embeddedSteps[step] });
    // Not vacuous: the order ids themselves differ between the two ledgers (derived from each transaction id).
    expect([...onFabric.orderLabels.keys()].some((id) => onEmbedded.orderLabels.has(id))).toBe(false);
  });

  it('when it closes, then the result is §8: Ps = 48372, Pb = 68779, SDR 3/4 after two rounds, grid +350000', () => {
    const { status, body } = onFabric.steps.close as Step & { body: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(status).toBe(200);
    expect(body.market).toEqual(expect.objectContaining({ id: M1, status: 'settled', closedAt: expect.any(String) }));
    expect(body.result).toEqual(
      expect.objectContaining({
        marketId: M1,
        mechanism: 'sdr',
        sellPrice: 48372,
        buyPrice: 68779,
        internalWh: 3000,
        gridImportWh: 3000,
        gridExportWh: 1000,
        gridAmount: 350000,
        rounds: 2,
      }),
    );
    expect(body.result.sdr).toEqual(expect.objectContaining({ supplyWh: 3000, demandWh: 4000, ratio: '0.750000', fraction: '3/4' }));
    const by = Object.fromEntries(body.result.allocations.map((a: { participantId: string }) => [a.participantId, a]));
    expect(Object.keys(by).sort()).toEqual([h1, h2, h3, h4].sort());
    expect(by[h1]).toEqual(expect.objectContaining({ side: 'sell', status: 'accepted', energyWh: 3000, internalWh: 3000, gridWh: 0, amount: 145116 }));
    expect(by[h2]).toEqual(expect.objectContaining({ side: 'sell', status: 'rejected', energyWh: 1000, internalWh: 0, gridWh: 1000, amount: 40000 }));
    expect(by[h3]).toEqual(expect.objectContaining({ side: 'buy', status: 'accepted', energyWh: 4000, internalWh: 3000, gridWh: 1000, amount: -275116 }));
    expect(by[h4]).toEqual(expect.objectContaining({ side: 'buy', status: 'rejected', energyWh: 2000, internalWh: 0, gridWh: 2000, amount: -260000 }));
    expect(onFabric.steps.result.body).toEqual(body.result);
  });

  it('when the accounts are read, then each balance is its §8 amount, money is conserved and the grid holds +350000 for this market', () => {
    const expected: Record<string, number> = { [h1]: 145116, [h2]: 40000, [h3]: -275116, [h4]: -260000, [h5]: 0 };
    for (const id of H) {
      const { status, body } = onFabric.steps[`account ${id}`] as Step & { body: { balance: number; entries: { amount: number }[] } };
      expect({ id, status, balance: body.balance }).toEqual({ id, status: 200, balance: expected[id] });
      expect(body.entries.reduce((s, e) => s + e.amount, 0)).toBe(expected[id]);
    }
    expect(onFabric.steps['grid entry'].body).toEqual(expect.objectContaining({ marketId: M1, participantId: 'grid', amount: 350000 }));
    expect(Object.values(expected).reduce((s, v) => s + v, 0) + 350000).toBe(0);
    expect(onFabric.steps['grid balance is the sum of its entries'].body).toBe(true);
  });

  it('when the orders are read after close, then amend, cancel and clearing show: accepted / rejected / cancelled, h1 at revision 2', () => {
    const items = (onFabric.steps['all orders'].body as { items: { participantId: string; status: string; revision: number; energyWh: number }[] }).items;
    const status = Object.fromEntries(items.map((o) => [o.participantId, o.status]));
    expect(status).toEqual({ [h1]: 'accepted', [h2]: 'rejected', [h3]: 'accepted', [h4]: 'rejected', [h5]: 'cancelled' });
    expect(items.find((o) => o.participantId === h1)).toEqual(expect.objectContaining({ revision: 2, energyWh: 3000 }));
    expect(onFabric.steps['late order']).toEqual({ status: 409, body: expect.objectContaining({ code: 'MARKET_NOT_OPEN' }) });
  });

  it('when h1 retries its placement with the same Idempotency-Key, then 201 then 200 with the same order', () => {
    const first = onFabric.steps['place h1'];
    const retry = onFabric.steps['retry h1'];
    expect([first.status, retry.status]).toEqual([201, 200]);
    expect(retry.body).toEqual(first.body);
  });
});

describe('household identities', () => {
  const communityCa = () => new X509Certificate(readFileSync(conn.orgs[COMMUNITY].ca.certPath));

  it('when households are registered, then each has its own client certificate issued by the Community CA', async () => {
    const ca = communityCa();
    const fingerprints = new Set<string>();
    for (const id of H) {
      const who = await fabric.identityOf(id);
      const cert = new X509Certificate(who.certificate);
      expect({ id, mspId: who.mspId, issued: cert.checkIssued(ca), signed: cert.verify(ca.publicKey) }).toEqual({ id, mspId: COMMUNITY, issued: true, signed: true });
      expect(cert.subject).toContain(`CN=${id}`);
      expect(cert.subject).toContain('OU=client');
      // The participant on the ledger is bound to exactly this certificate.
      expect(onFabric.identities[id]).toBe(identityKey(COMMUNITY, who.certificate));
      fingerprints.add(cert.fingerprint256);
    }
    expect(fingerprints.size).toBe(H.length);
  });

  it('when each identity asks the ledger who it is, then the chaincode on the peers answers with that household', async () => {
    for (const id of H) {
      const me = JSON.parse(await fabric.app.gateway.ledger.evaluate(await fabric.identityOf(id), { contract: 'participants', transaction: 'Whoami', args: [] }));
      expect({ id, me: me.id, status: me.status }).toEqual({ id, me: id, status: 'approved' });
    }
  });

  it('when a certificate comes from a CA the channel does not know, then the peer refuses it', async () => {
    const stranger = await createCertificateAuthority('ca.elsewhere', 'Elsewhere');
    const issued = await issueIdentity(stranger, { commonName: h1 });
    const forged: LedgerIdentity = { label: h1, mspId: COMMUNITY, ...issued };
    await expect(fabric.app.gateway.ledger.evaluate(forged, { contract: 'participants', transaction: 'Whoami', args: [] })).rejects.toThrow();
  });
});

describe('authorisation by the chaincode', () => {
  const M2 = `${tag}-m2`;
  let h1Order: { id: string; revision: number; energyWh: number };

  beforeAll(async () => {
    await openMarket(fabric, M2, deliveryHour());
    const r = await fabric.call('POST', `/v1/markets/${M2}/orders`, onFabric.tokens[h1], { side: 'sell', energyWh: 1500 });
    expect(r.status).toBe(201);
    h1Order = r.body;
  });

  it("when h2's identity submits an amendment of h1's order through the Fabric adapter, then the chaincode refuses it: LedgerRefusal FORBIDDEN", async () => {
    const h2Identity = await fabric.identityOf(h2);
    const ledger = fabric.app.gateway.ledger;
    expect(ledger.kind).toBe('fabric');
    const amend = ledger.submit(h2Identity, { contract: 'orders', transaction: 'Amend', args: [M2, h1Order.id, JSON.stringify({ energyWh: 1 })] });
    await expect(amend).rejects.toBeInstanceOf(LedgerRefusal);
    await expect(amend).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const cancel = ledger.submit(h2Identity, { contract: 'orders', transaction: 'Cancel', args: [M2, h1Order.id] });
    await expect(cancel).rejects.toMatchObject({ name: 'LedgerRefusal', code: 'FORBIDDEN' });
  });

  it('when the same amendment is sent straight to the peer as h2, then the refusal is the chaincode response of the endorsing peer', async () => {
    const session = openSession(conn, 'peer0.community', await fabric.identityOf(h2));
    try {
      const err = await session.network
        .getContract(conn.chaincode.name, 'orders')
        .submit('Amend', { arguments: [M2, h1Order.id, JSON.stringify({ energyWh: 1 })] })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(err).toBeInstanceOf(EndorseError);
      const details = (err as GatewayError).details.map((d) => ({ mspId: d.mspId, message: d.message }));
      expect(details).toEqual(expect.arrayContaining([{ mspId: COMMUNITY, message: expect.stringMatching(/chaincode response 500, FORBIDDEN: order .* belongs to another participant/) }]));
    } finally {
      session.close();
    }
  });

  it("when h2 amends or cancels h1's order over HTTP, then 403 FORBIDDEN, and h1's order is untouched", async () => {
    const url = `/v1/markets/${M2}/orders/${h1Order.id}`;
    for (const r of [await fabric.call('PATCH', url, onFabric.tokens[h2], { energyWh: 1 }), await fabric.call('DELETE', url, onFabric.tokens[h2])]) {
      expect({ status: r.status, code: r.body.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
      expect(r.headers.get('content-type')).toContain('application/problem+json');
    }
    const now = await fabric.call('GET', url, onFabric.tokens[h1]);
    expect(now.body).toEqual(expect.objectContaining({ id: h1Order.id, participantId: h1, status: 'open', revision: h1Order.revision, energyWh: 1500 }));
  });
});

describe('idempotent retries', () => {
  const M3 = `${tag}-m3`;
  let first: Reply;

  beforeAll(async () => {
    await openMarket(fabric, M3, deliveryHour());
  });

  it('when the same Idempotency-Key is sent twice, then 201 then 200 with the same order, and one order exists', async () => {
    const url = `/v1/markets/${M3}/orders`;
    first = await fabric.call('POST', url, onFabric.tokens[h3], { side: 'buy', energyWh: 700 }, { 'idempotency-key': 'retry-1' });
    const again = await fabric.call('POST', url, onFabric.tokens[h3], { side: 'buy', energyWh: 700 }, { 'idempotency-key': 'retry-1' });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body).toEqual(first.body);
    const all = await fabric.call('GET', url, ADMIN);
    expect(all.body.items.map((o: { id: string }) => o.id)).toEqual([first.body.id]);
  });

  it('when the gateway restarts on the same DATA_DIR, then the retry still answers 200 with the same order and the token still works', async () => {
    await fabric.close();
    fabric = await startTestGateway('fabric', fabricDir);
    const url = `/v1/markets/${M3}/orders`;
    const after = await fabric.call('POST', url, onFabric.tokens[h3], { side: 'buy', energyWh: 700 }, { 'idempotency-key': 'retry-1' });
    expect(after.status).toBe(200);
    expect(after.body).toEqual(first.body);
    const other = await fabric.call('POST', url, onFabric.tokens[h4], { side: 'sell', energyWh: 300 }, { 'idempotency-key': 'retry-1' });
    expect(other.status).toBe(201); // the key is per household: h4's own first order
    const all = await fabric.call('GET', url, ADMIN);
    expect(all.body.items.map((o: { id: string }) => o.id).sort()).toEqual([first.body.id, other.body.id].sort());
  });
});

describe('message size', () => {
  it('when an argument is above gRPC’s default 4 MiB, then the adapter carries it to the peers and the chaincode refuses it by name (INPUT_TOO_LARGE)', async () => {
    const M4 = `${tag}-m4`;
    await openMarket(fabric, M4, deliveryHour());
    // JSON allows any whitespace: a valid order padded to 6 MiB. The adapter's gRPC limits
    // (MAX_MESSAGE_BYTES) let it reach the endorsing peers, whose chaincode limits argument
    // bytes (chaincode/src/contracts/ecch-contract.ts): the refusal is the chaincode's, not gRPC's.
    const padded = `{"side":"sell","energyWh":1234${' '.repeat(6 * 1024 * 1024)}}`;
    const placing = fabric.app.gateway.ledger.submit(await fabric.identityOf(h5), { contract: 'orders', transaction: 'Place', args: [M4, padded] });
    await expect(placing).rejects.toBeInstanceOf(LedgerRefusal);
    await expect(placing).rejects.toMatchObject({ code: 'INPUT_TOO_LARGE', message: expect.stringMatching(/argument 2 is \d+ bytes/) });
  });
});

describe('both peers', () => {
  it('when the Grid peer is asked for the settled result, then it holds the same bytes as the Community peer', async () => {
    const na = fabric.app.gateway.identities.na;
    const community = openSession(conn, 'peer0.community', na);
    const grid = openSession(conn, 'peer0.grid', na);
    try {
      const viaCommunity = text(await community.network.getContract(conn.chaincode.name, 'markets').evaluateTransaction('GetResult', M1));
      const viaGrid = text(await grid.network.getContract(conn.chaincode.name, 'markets').evaluateTransaction('GetResult', M1));
      expect(JSON.parse(viaCommunity)).toEqual(expect.objectContaining({ marketId: M1, sellPrice: 48372 }));
      expect(viaGrid).toBe(viaCommunity);
    } finally {
      community.close();
      grid.close();
    }
  });
});

describe('the event stream over Fabric', () => {
  /** GET /v1/events as h1, given up after 15 s: a stream that waits for a block that never comes fails here, not at jest's timeout. */
  const events = (headers: Record<string, string>, query = '') =>
    fetch(`${fabric.url}/v1/events${query}`, {
      headers: { authorization: `Bearer ${onFabric.tokens[h1]}`, accept: 'text/event-stream', ...headers },
      signal: AbortSignal.timeout(15_000),
    });

  it('when a household resumes with a Last-Event-ID far beyond the last block, then 400 problem+json LAST_EVENT_ID_AHEAD, not a stream that waits forever', async () => {
    const last = await fabric.app.gateway.ledger.lastBlock!();
    const ahead = last + 1_000_000n;
    for (const [headers, query, path] of [
      [{ 'last-event-id': `${ahead}.0123456789abcdef` }, '', '/headers/last-event-id'],
      [{}, `?lastEventId=${ahead}`, '/querystring/lastEventId'],
    ] as const) {
      const r = await events(headers, query);
      const body = (await r.json()) as { status: number; code: string; detail: string; errors: { path: string }[] };
      expect({ status: r.status, type: r.headers.get('content-type') }).toEqual({ status: 400, type: expect.stringContaining('application/problem+json') });
      expect(body).toEqual(expect.objectContaining({ status: 400, code: 'LAST_EVENT_ID_AHEAD', detail: expect.stringContaining(`last block is ${last}`) }));
      expect(body.errors.map((e) => e.path)).toEqual([path]);
    }
  });

  it('when a household resumes after the last block itself, then the stream opens (200) and carries what is committed next', async () => {
    const last = await fabric.app.gateway.ledger.lastBlock!();
    const stream = await openEventStream(fabric, onFabric.tokens[h1], `${last}`);
    try {
      const M5 = `${tag}-m5`;
      await openMarket(fabric, M5, deliveryHour());
      await stream.waitFor('market.opened of a market created after resuming', (evs) =>
        evs.some((e) => e.event === 'market.opened' && (JSON.parse(e.data) as { id?: string }).id === M5),
      );
      expect(stream.events.every((e) => BigInt(e.id!.split('.')[0]) > last)).toBe(true);
    } finally {
      stream.close();
    }
  });
});

/**
 * A close nothing can block (market-rules v2 §3), on the real network: households
 * amend their orders as fast as they can while the NA closes the market, and the
 * close settles every time. Gate closure writes only the market record, which every
 * order transaction reads, so an amendment racing it loses (MVCC), is re-endorsed by
 * the gateway's adapter and refused MARKET_NOT_OPEN; the clearing that follows reads
 * a book nobody can change. Each settled order carries the energy of the last
 * amendment that was accepted.
 */
import { acquireNetworkLock } from './support/network';
import { ADMIN, deliveryHours, openMarket, registerHousehold, removeDir, runTag, startTestGateway, tempDataDir, type TestGateway } from './support/gateway';

jest.setTimeout(240_000);

const HOUSEHOLDS = 6;
const ROUNDS = 3;
const tag = runTag('r');

let release: (() => Promise<void>) | undefined;
let dataDir: string | undefined;
let gw: TestGateway;
const tokens: string[] = [];

beforeAll(async () => {
  release = await acquireNetworkLock('close-race.test.ts');
  dataDir = tempDataDir('close-race');
  gw = await startTestGateway('fabric', dataDir);
  for (let i = 0; i < HOUSEHOLDS; i++) tokens.push(await registerHousehold(gw, `${tag}-h${i}`));
}, 10 * 60_000);

afterAll(async () => {
  await gw?.close();
  removeDir(dataDir);
  await release?.();
});

interface Amender {
  orderId: string;
  /** energyWh of the last amendment the ledger accepted. */
  lastAccepted: number;
  accepted: number;
  /** How each amendment that was not accepted was answered. */
  refusals: string[];
}

let inFlight = 0;

/** Amends until the market refuses; every answer is either 200 or a typed 409 MARKET_NOT_OPEN. */
async function amendUntilRefused(market: string, token: string, a: Amender): Promise<void> {
  for (let n = 1; ; n++) {
    const energyWh = 1000 + (n % 50);
    inFlight += 1;
    const r = await gw.call('PATCH', `/v1/markets/${market}/orders/${a.orderId}`, token, { energyWh }).finally(() => (inFlight -= 1));
    if (r.status === 200) {
      a.lastAccepted = energyWh;
      a.accepted += 1;
      continue;
    }
    a.refusals.push(`${r.status} ${r.body?.code ?? ''}`);
    return;
  }
}

it('when households amend as fast as they can while the NA closes, then the close settles every time with the last accepted amendments', async () => {
  // One delivery hour per round, none shared with another market of the network (MARKET_OVERLAP).
  const starts = deliveryHours(ROUNDS);
  for (let round = 0; round < ROUNDS; round++) {
    const market = `${tag}-m${round}`;
    await openMarket(gw, market, starts[round]);
    const amenders: Amender[] = [];
    for (const [i, token] of tokens.entries()) {
      const r = await gw.call('POST', `/v1/markets/${market}/orders`, token, { side: i % 2 ? 'buy' : 'sell', energyWh: 500 });
      expect(r.status).toBe(201);
      amenders.push({ orderId: r.body.id, lastAccepted: 500, accepted: 0, refusals: [] });
    }
    const loops = amenders.map((a, i) => amendUntilRefused(market, tokens[i], a));
    // Let the amendments run for a few blocks, then close in the middle of them.
    await new Promise((resolve) => setTimeout(resolve, 1500 + 500 * round));
    const racing = inFlight;
    const close = await gw.call('POST', `/v1/markets/${market}/close`, ADMIN);
    await Promise.all(loops);

    expect(close.status).toBe(200);
    expect(close.body.market.status).toBe('settled');
    const allocations = close.body.result.allocations as { orderId: string; energyWh: number }[];
    expect(allocations).toHaveLength(HOUSEHOLDS);
    for (const a of amenders) {
      // Every household kept amending until the gate refused it, with the named code.
      expect(a.refusals).toEqual(['409 MARKET_NOT_OPEN']);
      const settled = allocations.find((x) => x.orderId === a.orderId);
      expect(settled?.energyWh).toBe(a.lastAccepted);
    }
    // The race was real: amendments were under way when the close was sent, and many were accepted before it.
    expect(racing).toBeGreaterThan(0);
    expect(amenders.reduce((s, a) => s + a.accepted, 0)).toBeGreaterThan(HOUSEHOLDS);
  }
});

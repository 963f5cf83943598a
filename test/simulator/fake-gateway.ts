/**
 * A small in-memory stand-in for the gateway REST API (api.md), enough for the
 * simulator's driving logic: participants and tokens, the market lifecycle, orders
 * with client-order-id idempotency and amendment, the order book, accounts, meters,
 * signed readings (verified against the registered certificate) and reconciliation.
 * Clearing and reconciliation use the chaincode's pure rules. Faults can be injected
 * to prove the simulator's checks and retries react.
 */
import { createPublicKey, verify } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { clearMarket } from '@ecch/chaincode/domain/clearing';
import { reconcile } from '@ecch/chaincode/domain/reconciliation';
import { canonicalReadingJson, type SignedReading } from '@ecch/simulator/meter';

interface FakeOrder {
  id: string;
  marketId: string;
  participantId: string;
  side: 'buy' | 'sell';
  energyWh: number;
  limitPrice: number;
  clientOrderId?: string;
  status: string;
  revision: number;
}

interface FakeMarket {
  id: string;
  status: string;
  deliveryStart: string;
  durationMinutes: number;
  gridBuyPrice: number;
  gridSellPrice: number;
  mechanism: 'sdr';
  orders: FakeOrder[];
  result?: unknown;
  reconciliation?: { entries: unknown[]; gridAmount: number };
}

export interface FakeOptions {
  adminToken?: string;
  /** Adds this many µ to one participant's account balance (a wrong ledger). */
  skewBalance?: { participantId: string; micro: number };
  /** Answer the first N order POSTs with 429 before processing them. */
  throttleFirstOrders?: number;
  /** Answer this meter's readings 201 but keep none of them (the ledger then estimates its Δ). */
  loseReadingsOf?: string;
}

export interface FakeGateway {
  url: string;
  adminToken: string;
  calls: { method: string; path: string; status: number }[];
  markets: Map<string, FakeMarket>;
  meters: Map<string, { meterId: string; participantId: string; certificate: string }>;
  /** Recorded readings by `meterId|intervalStart`. */
  readings: Map<string, SignedReading>;
  close(): Promise<void>;
}

export async function startFakeGateway(opts: FakeOptions = {}): Promise<FakeGateway> {
  const adminToken = opts.adminToken ?? 'na-token';
  const tokens = new Map<string, string>(); // token → participant id
  const participants = new Map<string, unknown>();
  const markets = new Map<string, FakeMarket>();
  const balances = new Map<string, number>();
  let grid = 0;
  let throttle = opts.throttleFirstOrders ?? 0;
  let nextOrder = 1;
  const calls: FakeGateway['calls'] = [];
  const meters: FakeGateway['meters'] = new Map();
  const readings: FakeGateway['readings'] = new Map();

  /** One reading as the ledger answers it: 201 new, 200 repeat, a refusal with its code. */
  const acceptReading = (item: SignedReading): { status: number; code?: string } => {
    const meter = item?.reading && meters.get(item.reading.meterId);
    if (!meter) return { status: 404, code: 'NOT_FOUND' };
    let ok = false;
    try {
      ok = verify('sha256', Buffer.from(canonicalReadingJson(item.reading), 'utf8'), createPublicKey(meter.certificate), Buffer.from(item.signature, 'base64'));
    } catch {
      ok = false;
    }
    if (!ok) return { status: 422, code: 'BAD_SIGNATURE' };
    // The ledger keeps one live market per interval; runs sharing this fake may repeat a window, so the newest counts.
    const market = [...markets.values()].reverse().find((mk) => mk.deliveryStart === item.reading.intervalStart && mk.durationMinutes === item.reading.intervalMinutes);
    if (!market) return { status: 404, code: 'NOT_FOUND' };
    if (market.status === 'reconciled') return { status: 409, code: 'READING_LATE' };
    const key = `${item.reading.meterId}|${item.reading.intervalStart}`;
    const before = readings.get(key);
    if (before) return canonicalReadingJson(before.reading) === canonicalReadingJson(item.reading) ? { status: 200 } : { status: 409, code: 'READING_CONFLICT' };
    if (item.reading.meterId !== opts.loseReadingsOf) readings.set(key, item);
    return { status: 201 };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      calls.push({ method, path, status });
      const isProblem = status >= 400;
      res.writeHead(status, { 'content-type': isProblem ? 'application/problem+json' : 'application/json', ...headers });
      res.end(JSON.stringify(isProblem ? { type: 'about:blank', title: 'error', status, detail: payload } : payload));
    };
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    const isAdmin = token === adminToken;
    const who = tokens.get(token);
    let m: RegExpMatchArray | null;

    // Anyone may submit readings: the meter's signature authenticates each one.
    if (method === 'POST' && path === '/v1/readings') {
      if (Array.isArray(body?.items)) return send(200, { results: body.items.map((it: SignedReading) => acceptReading(it)) });
      const r = acceptReading(body);
      return r.status >= 400 ? send(r.status, r.code) : send(r.status, { reading: body.reading });
    }
    if (!isAdmin && !who) return send(401, 'unknown token');

    if (method === 'POST' && path === '/v1/meters') {
      if (!isAdmin) return send(403, 'NA only');
      if (meters.has(body.meterId)) return send(409, 'exists');
      meters.set(body.meterId, { meterId: body.meterId, participantId: body.participantId, certificate: body.certificate });
      return send(201, { ...body, status: 'active' });
    }
    if ((m = path.match(/^\/v1\/markets\/([^/]+)\/reconcile$/)) && method === 'POST') {
      if (!isAdmin) return send(403, 'NA only');
      const mk = markets.get(decodeURIComponent(m[1]));
      if (!mk) return send(404, 'no market');
      if (mk.status !== 'closed') return send(409, 'INVALID_STATE');
      const participants = [...meters.values()].map((meter) => {
        const order = mk.orders.find((o) => o.participantId === meter.participantId && o.status !== 'cancelled');
        const r = readings.get(`${meter.meterId}|${mk.deliveryStart}`)?.reading;
        return {
          participantId: meter.participantId,
          meterId: meter.meterId,
          scheduledWh: order ? (order.side === 'sell' ? order.energyWh : -order.energyWh) : 0,
          meteredWh: r ? r.exportWh - r.importWh : null,
        };
      });
      const rec = reconcile(participants, mk);
      for (const e of rec.entries) balances.set(e.participantId, (balances.get(e.participantId) ?? 0) + e.amount);
      grid += rec.gridAmount;
      mk.status = 'reconciled';
      mk.reconciliation = { entries: rec.entries, gridAmount: rec.gridAmount };
      return send(200, { market: { ...mk, orders: undefined, result: undefined, reconciliation: undefined }, reconciliation: mk.reconciliation });
    }

    if (method === 'POST' && path === '/v1/participants') {
      if (!isAdmin) return send(403, 'NA only');
      if (participants.has(body.id)) return send(409, 'exists');
      const p = { ...body, status: 'approved', registeredAt: '2026-01-01T00:00:00Z' };
      participants.set(body.id, p);
      const t = `tok-${body.id}`;
      tokens.set(t, body.id);
      balances.set(body.id, 0);
      return send(201, { participant: p, token: t });
    }
    if (method === 'POST' && path === '/v1/markets') {
      if (!isAdmin) return send(403, 'NA only');
      if (!(body.gridSellPrice >= 0 && body.gridSellPrice < body.gridBuyPrice)) return send(422, 'need 0 ≤ S < B');
      const mk: FakeMarket = { ...body, status: 'scheduled', mechanism: 'sdr', orders: [] };
      markets.set(body.id, mk);
      return send(201, { ...mk, orders: undefined });
    }
    if ((m = path.match(/^\/v1\/markets\/([^/]+)\/(open|close)$/)) && method === 'POST') {
      if (!isAdmin) return send(403, 'NA only');
      const mk = markets.get(decodeURIComponent(m[1]));
      if (!mk) return send(404, 'no market');
      if (m[2] === 'open') {
        if (mk.status !== 'scheduled') return send(409, 'not scheduled');
        mk.status = 'open';
        return send(200, { ...mk, orders: undefined });
      }
      if (mk.status !== 'open') return send(409, 'MARKET_NOT_OPEN');
      const active = mk.orders.filter((o) => o.status === 'open');
      const c = clearMarket(
        active.map((o) => ({ orderId: o.id, participantId: o.participantId, side: o.side, energyWh: o.energyWh, limitPrice: o.limitPrice })),
        mk,
      );
      for (const a of c.allocations) {
        balances.set(a.participantId, (balances.get(a.participantId) ?? 0) + a.amount);
        const o = active.find((x) => x.id === a.orderId)!;
        o.status = a.status;
      }
      grid += c.gridAmount;
      mk.status = 'closed';
      mk.result = { marketId: mk.id, mechanism: 'sdr', sdr: { supplyWh: c.supplyWh, demandWh: c.demandWh, ratio: c.ratio }, ...c };
      return send(200, { market: { ...mk, orders: undefined, result: undefined }, result: mk.result });
    }
    if ((m = path.match(/^\/v1\/markets\/([^/]+)\/orders$/)) && method === 'POST') {
      if (!who) return send(403, 'households only');
      if (throttle > 0) {
        throttle--;
        return send(429, 'slow down', { 'retry-after': '0' });
      }
      const mk = markets.get(decodeURIComponent(m[1]));
      if (!mk) return send(404, 'no market');
      if (mk.status !== 'open') return send(409, 'MARKET_NOT_OPEN');
      const same = mk.orders.find((o) => o.participantId === who && o.clientOrderId && o.clientOrderId === body.clientOrderId);
      if (same) return send(200, same);
      if (mk.orders.some((o) => o.participantId === who && o.status === 'open')) return send(409, 'one order per market');
      const limit = body.limitPrice ?? (body.side === 'sell' ? mk.gridSellPrice : mk.gridBuyPrice);
      if (limit < mk.gridSellPrice || limit > mk.gridBuyPrice) return send(422, 'limit outside [S, B]');
      const o: FakeOrder = { id: `o${nextOrder++}`, marketId: mk.id, participantId: who, side: body.side, energyWh: body.energyWh, limitPrice: limit, clientOrderId: body.clientOrderId, status: 'open', revision: 1 };
      mk.orders.push(o);
      return send(201, o);
    }
    if ((m = path.match(/^\/v1\/markets\/([^/]+)\/orders\/([^/]+)$/)) && method === 'PATCH') {
      const mk = markets.get(decodeURIComponent(m[1]));
      const o = mk?.orders.find((x) => x.id === decodeURIComponent(m![2]));
      if (!mk || !o) return send(404, 'no order');
      if (o.participantId !== who) return send(403, 'not your order');
      if (mk.status !== 'open') return send(409, 'MARKET_NOT_OPEN');
      if (body.limitPrice !== undefined) o.limitPrice = body.limitPrice;
      if (body.energyWh !== undefined) o.energyWh = body.energyWh;
      o.revision++;
      return send(200, o);
    }
    if ((m = path.match(/^\/v1\/markets\/([^/]+)\/orderbook$/)) && method === 'GET') {
      const mk = markets.get(decodeURIComponent(m[1]));
      if (!mk) return send(404, 'no market');
      const side = (s: 'buy' | 'sell') => {
        const os = mk.orders.filter((o) => o.side === s && o.status === 'open');
        const levels = new Map<number, { price: number; energyWh: number; orders: number }>();
        for (const o of os) {
          const l = levels.get(o.limitPrice) ?? { price: o.limitPrice, energyWh: 0, orders: 0 };
          l.energyWh += o.energyWh;
          l.orders++;
          levels.set(o.limitPrice, l);
        }
        return { totalWh: os.reduce((a, o) => a + o.energyWh, 0), orders: os.length, levels: [...levels.values()] };
      };
      return send(200, { marketId: mk.id, buy: side('buy'), sell: side('sell') });
    }
    if ((m = path.match(/^\/v1\/participants\/([^/]+)\/account$/)) && method === 'GET') {
      const id = decodeURIComponent(m[1]);
      if (!isAdmin && who !== id) return send(403, 'not yours');
      const skew = opts.skewBalance?.participantId === id ? opts.skewBalance.micro : 0;
      return send(200, { participantId: id, balance: (balances.get(id) ?? 0) + skew, entries: [] });
    }
    if (path === '/v1/accounts/grid' && method === 'GET') {
      if (!isAdmin) return send(403, 'NA only');
      return send(200, { participantId: 'grid', balance: grid, entries: [] });
    }
    return send(404, `no route ${method} ${path}`);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    adminToken,
    calls,
    markets,
    meters,
    readings,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

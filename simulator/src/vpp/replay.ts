/**
 * Seed 003's four cases replayed under RS1 through the REST gateway: the NA registers
 * the VPP's agents, then for every case creates the auctions of policy.ts's Matching
 * one after the other (the NA decides each lot from the agents' needs, seed 003 §IV-C1);
 * the bidders of a lot bid their maxima all at once; after endAt the NA closes it and
 * the ledger settles the winner and the owner. Each outcome is checked against
 * mechanisms.md §5's rule from the bids that were accepted.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { GatewayApi } from '../gateway/api';
import { ApiError } from '../gateway/http';
import { AuctionApi } from './auction-api';
import { DIESEL_KEY, ESS_KEY, HOUSEHOLDS } from './agents';
import { applyEss, EssSpec, EssStep } from './ess';
import { auctionAmount, expectedOutcome, Outcome } from './level';
import { CasePlan, LotStep, Matching, planCase, VPP_PRICES } from './policy';
import { CaseId, kwToWh, SeedCase, TABLE_3 } from './seed-tables';

export interface ReplayOptions {
  seed: number;
  ess: EssSpec;
  /** The Perth day (YYYY-MM-DD) the lots are delivered on. */
  date: string;
  idPrefix: string;
  /** How long each auction takes bids (ms): endAt = creation + this. */
  windowMs: number;
  cases?: readonly CaseId[];
  onStage?: (text: string) => void;
}

export interface BidRecord {
  bidder: string;
  maxPrice: number;
  accepted: boolean;
  code?: string;
}

export interface AuctionRecord {
  id: string;
  seller: string;
  sellerKind: string;
  reservePrice: number;
  lotWh: number;
  bids: BidRecord[];
  /** §5's outcome from the accepted bids. */
  expected: Outcome | null;
  ledger: { status: string; winner: string | null; level: number | null; amount: number };
  /** The ledger's winner, level and amount are §5's. */
  matchesRule: boolean;
}

export interface CaseRecord {
  case: SeedCase;
  plan: CasePlan;
  auctions: AuctionRecord[];
  /** Energy offered that no remaining buyer wanted at its reserve. */
  unsold: { seller: string; wh: number }[];
  ess: EssStep;
  dieselSoldWh: number;
  p2pWh: number;
  gridImportWh: number;
  gridExportWh: number;
  /** Our TG + ESS − TL (Wh): Table 3's "TG + Backup − TL". */
  tgEssMinusTlWh: number;
}

export interface ReplayRecord {
  config: { seed: number; date: string; windowMs: number; idPrefix: string; prices: typeof VPP_PRICES; ess: EssSpec };
  participants: { key: string; id: string; kind: string }[];
  cases: CaseRecord[];
}

/** Perth keeps AWST (UTC+8) all year. */
export function perthInstant(date: string, time: string): string {
  return new Date(Date.parse(`${date}T${time}:00+08:00`)).toISOString();
}

const codeOf = (err: unknown): string => {
  if (err instanceof ApiError) {
    const c = (err.problem as { code?: unknown } | undefined)?.code;
    return typeof c === 'string' ? c : `HTTP_${err.status}`;
  }
  return err instanceof Error ? err.name : 'ERROR';
};

export async function replayVpp(gateway: GatewayApi, admin: string, o: ReplayOptions): Promise<ReplayRecord> {
  const api = new AuctionApi(gateway.http);
  const pid = (key: string) => `${o.idPrefix}vpp-${key}`;
  const keyOf = new Map<string, string>();
  const tokens = new Map<string, string>();
  const agents = [
    ...HOUSEHOLDS.map((h) => ({ key: h.key, name: h.name, kind: h.kind as string })),
    { key: ESS_KEY, name: 'VPP energy storage system', kind: 'storage', batteryKwh: o.ess.capacityWh / 1000 },
    { key: DIESEL_KEY, name: 'VPP diesel generator', kind: 'generator' },
  ];
  o.onStage?.(`registering ${agents.length} agents (the NA is the P2P_ETC)`);
  for (const a of agents) {
    const { key, ...rest } = a;
    const r = await gateway.registerParticipant(admin, { id: pid(key), ...rest } as Parameters<GatewayApi['registerParticipant']>[1]);
    tokens.set(key, r.token);
    keyOf.set(pid(key), key);
  }

  const cases: CaseRecord[] = [];
  for (const c of TABLE_3.filter((x) => !o.cases || o.cases.includes(x.id))) {
    const plan = planCase(c, o.seed, o.ess);
    const deliveryStart = perthInstant(o.date, c.time);
    const matching = new Matching(plan);
    const auctions: AuctionRecord[] = [];
    const unsold: CaseRecord['unsold'] = [];
    o.onStage?.(`case ${c.id} (${c.time} Perth): TG ${c.tgKw} kW, TL ${c.tlKw} kW, ${plan.offers.length} offers, ${plan.needs.length} needs, ESS ${plan.ess.role}`);
    for (let step = matching.next(); step; step = matching.next()) {
      if (step.kind === 'unsold') {
        unsold.push({ seller: step.seller.key, wh: step.wh });
        continue;
      }
      const id = `${o.idPrefix}vpp-${c.id.toLowerCase()}-${String(auctions.length + 1).padStart(2, '0')}`;
      const record = await runAuction(api, admin, tokens, keyOf, id, step, deliveryStart, o.windowMs);
      auctions.push(record);
      o.onStage?.(
        `  ${id}: ${step.seller.key} sells ${(step.lotWh / 1000).toFixed(3)} kWh from ${step.seller.reservePrice} µ/kWh, ` +
          `${record.bids.filter((b) => b.accepted).length} bids → ${record.ledger.winner ?? 'no sale'}${record.ledger.level === null ? '' : ` at ${record.ledger.level} µ/kWh`}`,
      );
      matching.settle(step, record.ledger.winner);
    }
    const sold = (key: string) => auctions.filter((a) => a.seller === key && a.ledger.winner).reduce((s, a) => s + a.lotWh, 0);
    const bought = (key: string) => auctions.filter((a) => a.ledger.winner === key).reduce((s, a) => s + a.lotWh, 0);
    const ess = applyEss(o.ess, plan.ess.socBeforeWh, bought(ESS_KEY), sold(ESS_KEY));
    const p2pWh = auctions.filter((a) => a.ledger.winner).reduce((s, a) => s + a.lotWh, 0);
    cases.push({
      case: c,
      plan,
      auctions,
      unsold,
      ess,
      dieselSoldWh: sold(DIESEL_KEY),
      p2pWh,
      gridImportWh: HOUSEHOLDS.reduce((s, h) => s + matching.remainingNeed(h.key), 0),
      gridExportWh: unsold.filter((u) => u.seller !== ESS_KEY && u.seller !== DIESEL_KEY).reduce((s, u) => s + u.wh, 0),
      tgEssMinusTlWh: kwToWh(c.tgKw) - kwToWh(c.tlKw) + ess.dischargedWh - ess.chargedWh,
    });
  }
  return {
    config: { seed: o.seed, date: o.date, windowMs: o.windowMs, idPrefix: o.idPrefix, prices: VPP_PRICES, ess: o.ess },
    participants: agents.map((a) => ({ key: a.key, id: pid(a.key), kind: a.kind })),
    cases,
  };
}

async function runAuction(
  api: AuctionApi,
  admin: string,
  tokens: Map<string, string>,
  keyOf: Map<string, string>,
  id: string,
  step: LotStep,
  deliveryStart: string,
  windowMs: number,
): Promise<AuctionRecord> {
  const now = Date.now();
  const endAt = new Date(now + windowMs);
  const reservePrice = step.seller.reservePrice;
  await api.create(admin, {
    id,
    owner: [...keyOf].find(([, k]) => k === step.seller.key)?.[0] as string,
    lotWh: step.lotWh,
    reservePrice,
    increment: VPP_PRICES.increment,
    startAt: new Date(now - 1000).toISOString(),
    endAt: endAt.toISOString(),
    deliveryStart,
  });
  // All bidders at once: the outcome must not depend on which arrives first.
  const bids = await Promise.all(
    step.bidders.map(async (b): Promise<BidRecord> => {
      try {
        await api.bid(tokens.get(b.key) as string, id, b.maxPrice, `${id}-${b.key}`);
        return { bidder: b.key, maxPrice: b.maxPrice, accepted: true };
      } catch (err) {
        return { bidder: b.key, maxPrice: b.maxPrice, accepted: false, code: codeOf(err) };
      }
    }),
  );
  await sleep(Math.max(0, endAt.getTime() - Date.now() + 20));
  let view;
  for (let attempt = 0; ; attempt++) {
    try {
      view = await api.close(admin, id);
      break;
    } catch (err) {
      // The ledger's clock may trail ours by a little: close is accepted from endAt on.
      if (codeOf(err) !== 'AUCTION_NOT_ENDED' || attempt >= 40) throw err;
      await sleep(100);
    }
  }
  const result = await api.result(admin, id);
  const winner = result.winner === null ? null : (keyOf.get(result.winner) ?? result.winner);
  const expected = expectedOutcome(
    reservePrice,
    VPP_PRICES.increment,
    bids.filter((b) => b.accepted).map((b, i) => ({ bidder: b.bidder, maxPrice: b.maxPrice, arrival: i })),
  );
  const matchesRule =
    expected === null
      ? winner === null && result.amount === 0
      : winner === expected.leader && result.level === expected.level && result.amount === auctionAmount(step.lotWh, expected.level);
  return {
    id,
    seller: step.seller.key,
    sellerKind: step.seller.kind,
    reservePrice,
    lotWh: step.lotWh,
    bids,
    expected,
    ledger: { status: view.status, winner, level: result.level, amount: result.amount },
    matchesRule,
  };
}

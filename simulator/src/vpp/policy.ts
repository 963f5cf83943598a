/**
 * Who offers and who bids in a case, and at what prices (our assumptions where seed
 * 003 gives none; docs/vpp-study.md):
 *
 * - a household with a surplus offers it at the grid's feed-in price S (what the grid
 *   would pay it); one with a need bids up to a private maximum drawn between 70 % and
 *   95 % of the grid's price B (buying at B from the grid is its alternative);
 * - the ESS discharges when the VPP is short (TG < TL): it offers its one-hour backup
 *   min(power limit, cells above the floor, the VPP's deficit) at a reserve that covers
 *   its charging price through both efficiencies; it charges when the VPP has a surplus,
 *   bidding for min(power limit, room, the surplus) up to a low maximum (it buys to sell
 *   later);
 * - the diesel generator offers only what the VPP still lacks after the households and
 *   the ESS, up to its capacity, at its fuel cost.
 */
import { deriveSeed, mulberry32, uniform } from '../util/prng';
import { AgentHour, DIESEL_KEY, ESS_KEY, HOUSEHOLDS, householdHours } from './agents';
import { chargeableWh, dischargeableWh, EssSpec, SOC_BY_STATUS } from './ess';
import { kwToWh, SeedCase, TABLE_2 } from './seed-tables';

/** Prices in µ/kWh (market-rules §1 units); the grid tariff is flat over the day. */
export const VPP_PRICES = {
  /** B: what buying from the grid costs. */
  gridBuyPrice: 300_000,
  /** S: what the grid pays for exports. */
  gridSellPrice: 70_000,
  increment: 1_000,
  householdMaxShare: [0.7, 0.95] as const,
  /** The ESS buys to sell later: at most this. */
  essMaxBuy: 120_000,
  /** ⌈120,000 / (0.95 · 0.95)⌉ rounded up to the increment: selling below it loses money. */
  essReserve: 133_000,
  dieselReserve: 250_000,
} as const;

/** The diesel generator's rating × 1 h (our assumption). */
export const DIESEL_CAPACITY_WH = 60_000;

export type AgentKind = 'prosumer' | 'consumer' | 'storage' | 'generator';

export interface Offer {
  key: string;
  kind: AgentKind;
  reservePrice: number;
  offeredWh: number;
}

export interface Need {
  key: string;
  kind: AgentKind;
  maxPrice: number;
  neededWh: number;
}

export interface CasePlan {
  case: SeedCase;
  households: AgentHour[];
  /** TG − TL in Wh. */
  balanceWh: number;
  ess: { socBeforeWh: number; role: 'discharging' | 'charging' | 'idle'; offerWh: number; needWh: number };
  dieselOfferWh: number;
  /** Merit order: lowest reserve first, then by key. */
  offers: Offer[];
  /** By key. */
  needs: Need[];
}

const kindOf = (key: string): AgentKind => HOUSEHOLDS.find((h) => h.key === key)?.kind ?? 'consumer';

/** Each household's private maximum in a case, a multiple of the increment, distinct within the case. */
export function householdMaxPrices(c: SeedCase, seed: number): Map<string, number> {
  const { gridBuyPrice: b, increment, householdMaxShare: [lo, hi] } = VPP_PRICES;
  const taken = new Set<number>();
  const out = new Map<string, number>();
  for (const h of HOUSEHOLDS) {
    let p = Math.round(uniform(mulberry32(deriveSeed(seed, 'max', c.id, h.key)), lo * b, hi * b) / increment) * increment;
    while (taken.has(p)) p += increment; // distinct maxima: no tie for the ledger to break by arrival
    taken.add(p);
    out.set(h.key, p);
  }
  return out;
}

export function planCase(c: SeedCase, seed: number, ess: EssSpec): CasePlan {
  const households = householdHours(c, seed);
  const balanceWh = kwToWh(c.tgKw) - kwToWh(c.tlKw);
  const socBeforeWh = SOC_BY_STATUS[TABLE_2[c.id].essStatus];
  const essOffer = balanceWh < 0 ? Math.min(dischargeableWh(ess, socBeforeWh), -balanceWh) : 0;
  const essNeed = balanceWh > 0 ? Math.min(chargeableWh(ess, socBeforeWh), balanceWh) : 0;
  const dieselOfferWh = balanceWh < 0 ? Math.min(DIESEL_CAPACITY_WH, -balanceWh - essOffer) : 0;
  const maxima = householdMaxPrices(c, seed);

  const offers: Offer[] = households.filter((h) => h.netWh > 0).map((h) => ({ key: h.key, kind: kindOf(h.key), reservePrice: VPP_PRICES.gridSellPrice, offeredWh: h.netWh }));
  if (essOffer > 0) offers.push({ key: ESS_KEY, kind: 'storage', reservePrice: VPP_PRICES.essReserve, offeredWh: essOffer });
  if (dieselOfferWh > 0) offers.push({ key: DIESEL_KEY, kind: 'generator', reservePrice: VPP_PRICES.dieselReserve, offeredWh: dieselOfferWh });
  offers.sort((a, b) => a.reservePrice - b.reservePrice || a.key.localeCompare(b.key));

  const needs: Need[] = households.filter((h) => h.netWh < 0).map((h) => ({ key: h.key, kind: kindOf(h.key), maxPrice: maxima.get(h.key) as number, neededWh: -h.netWh }));
  if (essNeed > 0) needs.push({ key: ESS_KEY, kind: 'storage', maxPrice: VPP_PRICES.essMaxBuy, neededWh: essNeed });
  needs.sort((a, b) => a.key.localeCompare(b.key));

  return {
    case: c,
    households,
    balanceWh,
    ess: { socBeforeWh, role: essOffer > 0 ? 'discharging' : essNeed > 0 ? 'charging' : 'idle', offerWh: essOffer, needWh: essNeed },
    dieselOfferWh,
    offers,
    needs,
  };
}

/** One auction the NA creates: a lot of one seller, and who will bid on it. */
export interface LotStep {
  kind: 'auction';
  seller: Offer;
  lotWh: number;
  bidders: Need[];
}

/** A seller's energy no remaining buyer wants at its reserve: no auction (it goes to the grid, or the diesel stays off). */
export interface UnsoldStep {
  kind: 'unsold';
  seller: Offer;
  wh: number;
}

/**
 * The NA's sequence of auctions for a case (RS1). In merit order, each seller's
 * remaining energy is auctioned in a lot sized to the second-largest remaining need
 * among the buyers who would pay its reserve (the only one's if there is one; the
 * agents tell the P2P_ETC their needs, seed 003 §IV), so at least two of them can take
 * the whole lot and compete; every such buyer whose need is at least the lot bids its
 * maximum. Each lot sold uses up the seller or shrinks a need, so the loop ends.
 */
export class Matching {
  private readonly left = new Map<string, number>();
  private readonly need = new Map<string, number>();
  private seller = 0;

  constructor(readonly plan: CasePlan) {
    for (const o of plan.offers) this.left.set(o.key, o.offeredWh);
    for (const n of plan.needs) this.need.set(n.key, n.neededWh);
  }

  remainingNeed(key: string): number {
    return this.need.get(key) ?? 0;
  }

  next(): LotStep | UnsoldStep | undefined {
    while (this.seller < this.plan.offers.length) {
      const s = this.plan.offers[this.seller] as Offer;
      const left = this.left.get(s.key) as number;
      if (left === 0) {
        this.seller += 1;
        continue;
      }
      const willing = this.plan.needs.filter((n) => n.key !== s.key && this.remainingNeed(n.key) > 0 && n.maxPrice >= s.reservePrice);
      if (willing.length === 0) {
        this.left.set(s.key, 0);
        this.seller += 1;
        return { kind: 'unsold', seller: s, wh: left };
      }
      // The second-largest need (or the only one): two bidders compete whenever two are willing.
      const needs = willing.map((n) => this.remainingNeed(n.key)).sort((a, b) => b - a);
      const lotWh = Math.min(left, needs[Math.min(1, needs.length - 1)] as number);
      return { kind: 'auction', seller: s, lotWh, bidders: willing.filter((n) => this.remainingNeed(n.key) >= lotWh) };
    }
    return undefined;
  }

  /** The auction's outcome as the ledger settled it: the winner takes the lot; no winner, the seller is passed over. */
  settle(step: LotStep, winnerKey: string | null): void {
    if (winnerKey === null) {
      this.left.set(step.seller.key, 0);
      return;
    }
    const need = this.remainingNeed(winnerKey);
    if (need < step.lotWh) throw new Error(`${winnerKey} won ${step.lotWh} Wh but needs only ${need} Wh`);
    this.need.set(winnerKey, need - step.lotWh);
    this.left.set(step.seller.key, (this.left.get(step.seller.key) as number) - step.lotWh);
  }

  /** Needs nobody sold to: bought from the grid. */
  unmetWh(): number {
    return [...this.need.values()].reduce((a, b) => a + b, 0);
  }
}

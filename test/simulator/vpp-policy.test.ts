/**
 * Who offers and who bids in seed 003's four cases follows from each agent's
 * generation and load and from the ESS's state (simulator/src/vpp/policy.ts), and the
 * NA's lots use up every seller or buyer they can match.
 */
import { householdHours, splitWh, HOUSEHOLDS, VPP_SEED } from '@ecch/simulator/vpp/agents';
import { SOC_BY_STATUS, VPP_ESS } from '@ecch/simulator/vpp/ess';
import { expectedOutcome } from '@ecch/simulator/vpp/level';
import { DIESEL_CAPACITY_WH, Matching, planCase, VPP_PRICES } from '@ecch/simulator/vpp/policy';
import { kwToWh, TABLE_3 } from '@ecch/simulator/vpp/seed-tables';

const byId = (id: string) => TABLE_3.find((c) => c.id === id)!;

describe('the VPP agents in seed 003\'s cases', () => {
  it('when a case is split over the nine households, then their generation and load sum exactly to Table 3\'s TG and TL, and consumers generate nothing', () => {
    for (const c of TABLE_3) {
      const hours = householdHours(c, VPP_SEED);
      expect(hours.reduce((s, h) => s + h.generationWh, 0)).toBe(kwToWh(c.tgKw));
      expect(hours.reduce((s, h) => s + h.loadWh, 0)).toBe(kwToWh(c.tlKw));
      for (const h of hours) expect(h.netWh).toBe(h.generationWh - h.loadWh);
      for (const h of HOUSEHOLDS.filter((x) => !x.generates)) expect(hours.find((x) => x.key === h.key)!.generationWh).toBe(0);
    }
  });

  it('when splitting, then the largest remainders get the odd Wh and the same seed gives the same split', () => {
    expect(splitWh(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(householdHours(byId('I'), 7)).toEqual(householdHours(byId('I'), 7));
    expect(householdHours(byId('I'), 7)).not.toEqual(householdHours(byId('I'), 8));
  });

  it('when a household has a surplus it offers exactly that at S, and one with a need bids for exactly that with a distinct maximum between 70 % and 95 % of B', () => {
    for (const c of TABLE_3) {
      const plan = planCase(c, VPP_SEED, VPP_ESS);
      for (const h of plan.households) {
        const offer = plan.offers.find((o) => o.key === h.key);
        const need = plan.needs.find((n) => n.key === h.key);
        if (h.netWh > 0) expect(offer).toMatchObject({ offeredWh: h.netWh, reservePrice: VPP_PRICES.gridSellPrice });
        else expect(offer).toBeUndefined();
        if (h.netWh < 0) {
          expect(need?.neededWh).toBe(-h.netWh);
          expect(need!.maxPrice).toBeGreaterThanOrEqual(0.7 * VPP_PRICES.gridBuyPrice);
          expect(need!.maxPrice).toBeLessThanOrEqual(0.95 * VPP_PRICES.gridBuyPrice + VPP_PRICES.increment * HOUSEHOLDS.length);
        } else expect(need).toBeUndefined();
      }
      const maxima = plan.needs.map((n) => n.maxPrice);
      expect(new Set(maxima).size).toBe(maxima.length);
    }
  });

  it('when the VPP is short (Cases IV and I), then the ESS offers min(40 kW, what its cells hold, the deficit) and the diesel only what is still missing', () => {
    const iv = planCase(byId('IV'), VPP_SEED, VPP_ESS);
    expect(iv.ess).toMatchObject({ socBeforeWh: SOC_BY_STATUS.charged, role: 'discharging', offerWh: 15_893, needWh: 0 });
    expect(iv.dieselOfferWh).toBe(0); // the ESS covers the 15.893 kWh deficit: Table 3's 0
    const i = planCase(byId('I'), VPP_SEED, VPP_ESS);
    expect(i.ess).toMatchObject({ socBeforeWh: SOC_BY_STATUS.short, role: 'discharging', offerWh: 40_000 });
    expect(i.dieselOfferWh).toBe(Math.min(DIESEL_CAPACITY_WH, 218_437 - 40_000));
    expect(i.offers.map((o) => o.key).slice(-2)).toEqual(['ess', 'diesel']); // merit order: S < ESS reserve < diesel
    expect(i.needs.some((n) => n.key === 'ess')).toBe(false);
  });

  it('when the VPP has a surplus (Cases II and III), then the ESS bids for min(40 kW, its room, the surplus) and neither it nor the diesel offers', () => {
    const ii = planCase(byId('II'), VPP_SEED, VPP_ESS);
    expect(ii.ess).toMatchObject({ socBeforeWh: SOC_BY_STATUS.short, role: 'charging', needWh: 14_934, offerWh: 0 });
    expect(ii.needs.find((n) => n.key === 'ess')).toMatchObject({ neededWh: 14_934, maxPrice: VPP_PRICES.essMaxBuy, kind: 'storage' });
    const iii = planCase(byId('III'), VPP_SEED, VPP_ESS);
    expect(iii.ess).toMatchObject({ socBeforeWh: SOC_BY_STATUS.charged, role: 'charging', needWh: 40_000 });
    for (const p of [ii, iii]) {
      expect(p.dieselOfferWh).toBe(0);
      expect(p.offers.some((o) => o.key === 'ess' || o.key === 'diesel')).toBe(false);
    }
  });

  it('when the NA auctions the lots, then each lot fits every bidder\'s remaining need, bidders would pay the reserve, two compete whenever two are willing, and a seller never bids on its own lot', () => {
    for (const c of TABLE_3) {
      const m = new Matching(planCase(c, VPP_SEED, VPP_ESS));
      for (let step = m.next(); step; step = m.next()) {
        if (step.kind === 'unsold') continue;
        const willing = m.plan.needs.filter((n) => n.key !== step.seller.key && m.remainingNeed(n.key) > 0 && n.maxPrice >= step.seller.reservePrice);
        expect(willing.length).toBeGreaterThan(0);
        expect(step.bidders.length).toBeGreaterThanOrEqual(Math.min(2, willing.length));
        for (const b of step.bidders) {
          expect(m.remainingNeed(b.key)).toBeGreaterThanOrEqual(step.lotWh);
          expect(b.maxPrice).toBeGreaterThanOrEqual(step.seller.reservePrice);
          expect(b.key).not.toBe(step.seller.key);
        }
        const out = expectedOutcome(step.seller.reservePrice, VPP_PRICES.increment, step.bidders.map((b, i) => ({ bidder: b.key, maxPrice: b.maxPrice, arrival: i })));
        m.settle(step, out!.leader);
      }
    }
  });

  it('when every lot sells, then the ESS takes Table 3\'s backup: TG + ESS − TL equals Table 3 in all four cases', () => {
    for (const c of TABLE_3) {
      const plan = planCase(c, VPP_SEED, VPP_ESS);
      const m = new Matching(plan);
      let essIn = 0;
      let essOut = 0;
      for (let step = m.next(); step; step = m.next()) {
        if (step.kind === 'unsold') continue;
        const out = expectedOutcome(step.seller.reservePrice, VPP_PRICES.increment, step.bidders.map((b, i) => ({ bidder: b.key, maxPrice: b.maxPrice, arrival: i })))!;
        if (out.leader === 'ess') essIn += step.lotWh;
        if (step.seller.key === 'ess') essOut += step.lotWh;
        m.settle(step, out.leader);
      }
      expect(plan.balanceWh + essOut - essIn).toBe(kwToWh(c.tgBackupMinusTlKw));
    }
  });
});

describe('§5 outcome from the bids placed', () => {
  it('when one bidder, then the level is the reserve; with more, min(first, second + increment), never below the reserve', () => {
    expect(expectedOutcome(70_000, 1_000, [{ bidder: 'a', maxPrice: 250_000, arrival: 0 }])).toEqual({ leader: 'a', level: 70_000 });
    expect(expectedOutcome(70_000, 1_000, [{ bidder: 'a', maxPrice: 250_000, arrival: 1 }, { bidder: 'b', maxPrice: 240_000, arrival: 0 }])).toEqual({ leader: 'a', level: 241_000 });
    expect(expectedOutcome(70_000, 1_000, [{ bidder: 'a', maxPrice: 240_500, arrival: 1 }, { bidder: 'b', maxPrice: 240_000, arrival: 0 }])).toEqual({ leader: 'a', level: 240_500 });
    expect(expectedOutcome(300_000, 1_000, [{ bidder: 'a', maxPrice: 300_000, arrival: 1 }, { bidder: 'b', maxPrice: 100, arrival: 0 }])).toEqual({ leader: 'a', level: 300_000 });
    expect(expectedOutcome(0, 1, [])).toBeNull();
  });

  it('when two maxima are equal, then the earlier bid leads; a bidder\'s latest bid supersedes its earlier ones', () => {
    expect(expectedOutcome(0, 1_000, [{ bidder: 'a', maxPrice: 5_000, arrival: 2 }, { bidder: 'b', maxPrice: 5_000, arrival: 1 }])).toEqual({ leader: 'b', level: 5_000 });
    expect(expectedOutcome(0, 1_000, [{ bidder: 'a', maxPrice: 9_000, arrival: 0 }, { bidder: 'a', maxPrice: 10_000, arrival: 2 }, { bidder: 'b', maxPrice: 6_000, arrival: 1 }])).toEqual({ leader: 'a', level: 7_000 });
  });
});

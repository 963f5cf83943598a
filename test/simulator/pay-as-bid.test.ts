/** The simulator's own walk of a pay-as-bid book (report/settlement.ts), which checks the ledger's amounts. */
import { payAsBidInternal, settleWithInternal } from '@ecch/simulator/report/settlement';

describe("pay-as-bid recomputed by the simulator (mechanisms.md §4)", () => {
  const t = { gridBuyPrice: 130_000, gridSellPrice: 40_000 };

  it('when two sells meet two buys, then the cheapest sells fill the dearest buys first, each match at its buyer’s limit', () => {
    const r = payAsBidInternal([
      { orderId: 's1', participantId: 'a', side: 'sell', energyWh: 1000, limitPrice: 50_000 },
      { orderId: 's2', participantId: 'b', side: 'sell', energyWh: 1000, limitPrice: 60_000 },
      { orderId: 'b1', participantId: 'c', side: 'buy', energyWh: 1500, limitPrice: 120_000 },
      { orderId: 'b2', participantId: 'd', side: 'buy', energyWh: 1000, limitPrice: 55_000 },
    ]);
    // s1 (50) fills b1 (120) with 1000 Wh; s2 (60) then fills b1's last 500 Wh; b2 (55) < s2 (60): the walk stops.
    expect(r.get('s1')).toEqual({ internalWh: 1000, amount: 120_000 });
    expect(r.get('s2')).toEqual({ internalWh: 500, amount: 60_000 });
    expect(r.get('b1')).toEqual({ internalWh: 1500, amount: 180_000 });
    expect(r.get('b2')).toEqual({ internalWh: 0, amount: 0 });
  });

  it('when limits tie, then participant ids decide the order of the walk', () => {
    const r = payAsBidInternal([
      { orderId: 'x', participantId: 'z', side: 'sell', energyWh: 800, limitPrice: 40_000 },
      { orderId: 'y', participantId: 'm', side: 'sell', energyWh: 800, limitPrice: 40_000 },
      { orderId: 'k', participantId: 'q', side: 'buy', energyWh: 1000, limitPrice: 130_000 },
    ]);
    expect(r.get('y')!.internalWh).toBe(800); // 'm' before 'z'
    expect(r.get('x')!.internalWh).toBe(200);
  });

  it('adds the grid rest at S for a seller and B for a buyer', () => {
    const sell = { orderId: 's', participantId: 'a', side: 'sell' as const, status: 'accepted' as const, energyWh: 1500, internalWh: 1000, gridWh: 500, amount: 0 };
    expect(settleWithInternal(sell, 120_000, t)).toBe(120_000 + 20_000);
    expect(settleWithInternal({ ...sell, side: 'buy' }, 120_000, t)).toBe(-(120_000 + 65_000));
  });
});

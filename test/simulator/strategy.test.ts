import { predictPrices } from '@ecch/simulator/agent/predict';
import { amendment, orderFor } from '@ecch/simulator/agent/strategy';
import { netPosition } from '@ecch/simulator/agent/position';

const t = { gridBuyPrice: 130_000, gridSellPrice: 40_000 };

describe('order strategy', () => {
  const seller = netPosition({ generationWh: 3000, demandWh: 1000 }, null, 0);
  const buyer = netPosition({ generationWh: 0, demandWh: 1500 }, null, 0);
  const balanced = netPosition({ generationWh: 800, demandWh: 800 }, null, 0);

  it('when truthful, then it sells the surplus or buys the deficit with no limit (tariff default)', () => {
    expect(orderFor(seller, t, { name: 'truthful', margin: 0.1 })).toEqual({ side: 'sell', energyWh: 2000 });
    expect(orderFor(buyer, t, { name: 'truthful', margin: 0.1 })).toEqual({ side: 'buy', energyWh: 1500 });
    expect(orderFor(balanced, t, { name: 'truthful', margin: 0.1 })).toBeNull();
  });

  it('when cautious, then it asks S + m(B − S) and bids B − m(B − S), inside [S, B]', () => {
    expect(orderFor(seller, t, { name: 'margin', margin: 0.1 })).toEqual({ side: 'sell', energyWh: 2000, limitPrice: 49_000 });
    expect(orderFor(buyer, t, { name: 'margin', margin: 0.1 })).toEqual({ side: 'buy', energyWh: 1500, limitPrice: 121_000 });
  });

  it('amends to the tariff default only an order the predicted prices would reject', () => {
    const p = { sellPrice: 45_000, buyPrice: 125_000, rejectSellFrom: null, rejectBuyUpTo: null };
    expect(amendment({ side: 'sell', energyWh: 1, limitPrice: 49_000 }, t, p)).toBe(40_000);
    expect(amendment({ side: 'sell', energyWh: 1, limitPrice: 44_000 }, t, p)).toBeNull();
    expect(amendment({ side: 'buy', energyWh: 1, limitPrice: 121_000 }, t, p)).toBe(130_000);
    expect(amendment({ side: 'buy', energyWh: 1, limitPrice: 126_000 }, t, p)).toBeNull();
    expect(amendment({ side: 'sell', energyWh: 1 }, t, p)).toBeNull();
  });

  it('when the loop dropped buyers in an earlier round (no supply: Pb = B), then a cautious buyer still amends', () => {
    const p = predictPrices([], [{ price: 121_000, energyWh: 600 }], t);
    expect(p).toMatchObject({ sellPrice: 40_000, buyPrice: 40_000, rejectBuyUpTo: 121_000 });
    expect(amendment({ side: 'buy', energyWh: 600, limitPrice: 121_000 }, t, p)).toBe(130_000);
  });
});

describe('price prediction from the order book', () => {
  it('when given the book of market-rules §8, then it runs the limit loop to Ps ≈ 48372.09 and Pb ≈ 68779.07', () => {
    const p = predictPrices(
      [
        { price: 40_000, energyWh: 3000 },
        { price: 100_000, energyWh: 1000 },
      ],
      [
        { price: 130_000, energyWh: 4000 },
        { price: 60_000, energyWh: 2000 },
      ],
      t,
    );
    expect(p.sellPrice).toBeCloseTo(48372.093, 2);
    expect(p.rejectSellFrom).toBe(100_000);
    expect(p.rejectBuyUpTo).toBe(60_000);
    expect(p.buyPrice).toBeCloseTo(68779.07, 1);
  });

  it('when supply exceeds demand, then both prices are the feed-in price', () => {
    expect(predictPrices([{ price: 40_000, energyWh: 5000 }], [{ price: 130_000, energyWh: 1000 }], t)).toEqual({
      sellPrice: 40_000,
      buyPrice: 40_000,
      rejectSellFrom: null,
      rejectBuyUpTo: null,
    });
  });
});

import { energyValue, gridOnlyAmount, settleResult } from '@ecch/simulator/report/settlement';
import { MarketResult } from '@ecch/simulator/gateway/types';

const tariffs = { gridBuyPrice: 130_000, gridSellPrice: 40_000 };

/** market-rules §8's published result. */
const worked: MarketResult = {
  marketId: 'm',
  mechanism: 'sdr',
  sdr: { supplyWh: 3000, demandWh: 4000, ratio: '0.750000' },
  sellPrice: 48372,
  buyPrice: 68779,
  internalWh: 3000,
  gridImportWh: 3000,
  gridExportWh: 1000,
  allocations: [
    { orderId: 'o1', participantId: 'h1', side: 'sell', status: 'accepted', energyWh: 3000, internalWh: 3000, gridWh: 0, amount: 145116 },
    { orderId: 'o2', participantId: 'h2', side: 'sell', status: 'rejected', energyWh: 1000, internalWh: 0, gridWh: 1000, amount: 40000 },
    { orderId: 'o3', participantId: 'h3', side: 'buy', status: 'accepted', energyWh: 4000, internalWh: 3000, gridWh: 1000, amount: -275116 },
    { orderId: 'o4', participantId: 'h4', side: 'buy', status: 'rejected', energyWh: 2000, internalWh: 0, gridWh: 2000, amount: -260000 },
  ],
  gridAmount: 350000,
};

describe("the simulator's own §7 settlement", () => {
  it('when given the worked example of market-rules §8, then it finds every amount the rules state', () => {
    const s = settleResult(worked, tariffs);
    expect(Object.fromEntries(s)).toEqual({ h1: 145116, h2: 40000, h3: -275116, h4: -260000 });
    expect([...s.values()].reduce((a, x) => a + x, 0) + worked.gridAmount).toBe(0);
  });

  it('rounds Wh × µ/kWh / 1000 to the nearest µ, halves up', () => {
    expect(energyValue(1, 500)).toBe(1); // 0.5 → 1
    expect(energyValue(1, 499)).toBe(0);
    expect(energyValue(3, 48372)).toBe(145); // 145.116
    expect(energyValue(1_000_000, 130_000)).toBe(130_000_000);
  });

  it('bills the grid-only baseline at B for imports and S for exports', () => {
    expect(gridOnlyAmount(2000, 0, tariffs)).toBe(-260000);
    expect(gridOnlyAmount(0, 1000, tariffs)).toBe(40000);
  });
});

/**
 * market-rules.md §8, end to end through clearMarket. Every expected figure below is
 * copied from the spec page (or, for the intermediate exact rationals, from the
 * arithmetic written out on it), never produced by the code under test.
 */
import { clearMarket, ClearingOrder } from '@ecch/chaincode/domain/clearing';
import { sdrPrices } from '@ecch/chaincode/domain/sdr';

const B = 130000;
const S = 40000;
const tariffs = { gridBuyPrice: B, gridSellPrice: S };

// "No limit" means the tariff default (§4): S for a sell, B for a buy.
const book: ClearingOrder[] = [
  { orderId: 'o-h1', participantId: 'h1', side: 'sell', energyWh: 3000, limitPrice: S },
  { orderId: 'o-h2', participantId: 'h2', side: 'sell', energyWh: 1000, limitPrice: 100000 },
  { orderId: 'o-h3', participantId: 'h3', side: 'buy', energyWh: 4000, limitPrice: B },
  { orderId: 'o-h4', participantId: 'h4', side: 'buy', energyWh: 2000, limitPrice: 60000 },
];

describe('§8 worked example', () => {
  const result = clearMarket(book, tariffs);
  const byParticipant = (p: string) => {
    const a = result.allocations.find((x) => x.participantId === p);
    if (!a) throw new Error(`no allocation for ${p}`);
    return a;
  };

  it('round 1 prices are exactly Ps = 52000 and Pb = 78000 (TS 4000, TD 6000, SDR 2/3)', () => {
    const r1 = sdrPrices(4000n, 6000n, { gridBuyPrice: BigInt(B), gridSellPrice: BigInt(S) });
    expect(r1.sellPrice).toEqual({ num: 52000n, den: 1n });
    expect(r1.buyPrice).toEqual({ num: 78000n, den: 1n });
  });

  it('round 2 prices are the exact rationals 2080000/43 and 2957500/43 (48372.09…, 68779.06…)', () => {
    // Ps = 40000·130000·4000 / (90000·3000 + 40000·4000) = 2.08e13 / 4.3e8 = 2080000/43
    // Pb = Ps·3/4 + 130000/4 = (1560000 + 1397500)/43 = 2957500/43
    const r2 = sdrPrices(3000n, 4000n, { gridBuyPrice: BigInt(B), gridSellPrice: BigInt(S) });
    expect(r2.sellPrice).toEqual({ num: 2080000n, den: 43n });
    expect(r2.buyPrice).toEqual({ num: 2957500n, den: 43n });
  });

  it('publishes Ps = 48372, Pb = 68779 after two rounds', () => {
    expect(result.sellPrice).toBe(48372);
    expect(result.buyPrice).toBe(68779);
    expect(result.rounds).toBe(2);
  });

  it('publishes the SDR of the last round (3000/4000) as a fraction and a decimal', () => {
    expect(result.supplyWh).toBe(3000);
    expect(result.demandWh).toBe(4000);
    expect(result.fraction).toBe('3/4');
    expect(result.ratio).toBe('0.750000');
  });

  it('rejects h2 (limit 100000 > 52000) and h4 (limit 60000 < 78000), accepts h1 and h3', () => {
    expect(byParticipant('h1').status).toBe('accepted');
    expect(byParticipant('h2').status).toBe('rejected');
    expect(byParticipant('h3').status).toBe('accepted');
    expect(byParticipant('h4').status).toBe('rejected');
  });

  it('allocates E = 3000: h3 3000 internal + 1000 import, h1 3000 internal, h2 exports 1000, h4 imports 2000', () => {
    expect(result.internalWh).toBe(3000);
    expect([byParticipant('h1').internalWh, byParticipant('h1').gridWh]).toEqual([3000, 0]);
    expect([byParticipant('h2').internalWh, byParticipant('h2').gridWh]).toEqual([0, 1000]);
    expect([byParticipant('h3').internalWh, byParticipant('h3').gridWh]).toEqual([3000, 1000]);
    expect([byParticipant('h4').internalWh, byParticipant('h4').gridWh]).toEqual([0, 2000]);
    expect(result.gridImportWh).toBe(3000);
    expect(result.gridExportWh).toBe(1000);
  });

  it('settles h3 −275116, h1 +145116, h2 +40000, h4 −260000 and the grid +350000', () => {
    expect(byParticipant('h3').amount).toBe(-275116);
    expect(byParticipant('h1').amount).toBe(145116);
    expect(byParticipant('h2').amount).toBe(40000);
    expect(byParticipant('h4').amount).toBe(-260000);
    expect(result.gridAmount).toBe(350000);
  });

  it('returns exactly one allocation per order, in ascending order id, with nothing else', () => {
    expect(result.allocations.map((a) => a.orderId)).toEqual(['o-h1', 'o-h2', 'o-h3', 'o-h4']);
    expect(result.allocations).toEqual([
      { orderId: 'o-h1', participantId: 'h1', side: 'sell', status: 'accepted', energyWh: 3000, internalWh: 3000, gridWh: 0, price: 48372, amount: 145116 },
      { orderId: 'o-h2', participantId: 'h2', side: 'sell', status: 'rejected', energyWh: 1000, internalWh: 0, gridWh: 1000, price: null, amount: 40000 },
      { orderId: 'o-h3', participantId: 'h3', side: 'buy', status: 'accepted', energyWh: 4000, internalWh: 3000, gridWh: 1000, price: 48372, amount: -275116 },
      { orderId: 'o-h4', participantId: 'h4', side: 'buy', status: 'rejected', energyWh: 2000, internalWh: 0, gridWh: 2000, price: null, amount: -260000 },
    ]);
  });

  it('gives the same result whatever order the ledger returns the orders in', () => {
    const reversed = [...book].reverse();
    expect(JSON.stringify(clearMarket(reversed, tariffs))).toBe(JSON.stringify(result));
  });
});

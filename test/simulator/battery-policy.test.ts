/**
 * The `trade` battery policy: a battery that keeps what its home will need and may
 * sell the rest (agent/battery.ts stepBatteryAndSell, agent/battery-policy.ts keepWh),
 * and the exact Wh account of a home with it (agent/position.ts).
 */
import fc from 'fast-check';
import { ECCH_BATTERY, stepBattery, stepBatteryAndSell } from '@ecch/simulator/agent/battery';
import { keepWh, HourPrices } from '@ecch/simulator/agent/battery-policy';
import { HourInput, netPosition } from '@ecch/simulator/agent/position';

const cap = ECCH_BATTERY.capacityWh;
const S = 40_000;
const B = 130_000;
const prices = (sellPrice: number, buyPrice: number): HourPrices => ({ sellPrice, buyPrice, tariff: { gridSellPrice: S } });

describe('a battery that may sell (stepBatteryAndSell)', () => {
  it('when it holds more than it keeps and the home needs 1 kWh, then it serves the home and sells the rest up to 2.5 kW', () => {
    const s = stepBatteryAndSell(ECCH_BATTERY, cap, 0, 1000, 0);
    expect(s.dischargedWh).toBe(2500);
    expect(s.soldWh).toBe(1500);
    expect(s.socAfterWh).toBe(cap - 2501); // ⌈2500 / 0.9999⌉ drawn once for the hour's whole output
    expect(s.lossWh).toBe(1);
  });

  it('when it keeps 4 kWh of a full battery, then it sells only what lies above, after losses', () => {
    const s = stepBatteryAndSell(ECCH_BATTERY, cap, 0, 0, 4000);
    expect(s.soldWh).toBe(999); // ⌊1000 · 0.9999⌋: drawing ⌈999 / 0.9999⌉ = 1000 leaves exactly 4000
    expect(s.socAfterWh).toBe(4000);
  });

  it('when the home has a PV surplus, then it charges and sells nothing', () => {
    expect(stepBatteryAndSell(ECCH_BATTERY, 1000, 800, 0, 0)).toEqual(stepBattery(ECCH_BATTERY, 1000, 800, 0));
  });

  it('when it keeps everything it holds, then it behaves as the self-consumption battery', () => {
    expect(stepBatteryAndSell(ECCH_BATTERY, 3000, 0, 700, cap)).toEqual(stepBattery(ECCH_BATTERY, 3000, 0, 700));
  });
});

describe('what a trading battery keeps (keepWh)', () => {
  const evening: HourInput[] = [
    { generationWh: 0, demandWh: 1000 }, // now
    { generationWh: 0, demandWh: 1500 },
    { generationWh: 200, demandWh: 700 },
    { generationWh: 3000, demandWh: 900 }, // its PV hours: the look-ahead stops here
    { generationWh: 0, demandWh: 5000 },
  ];

  it("when buying later costs as much as selling now earns, then it keeps the home's need until its PV hours, in stored Wh", () => {
    const signal = evening.map(() => prices(B, B));
    expect(keepWh(ECCH_BATTERY, evening, signal, 0)).toBe(Math.ceil((1500 + 500) / 0.9999));
  });

  it('when an hour ahead is expected cheaper to buy than selling now, then that hour is not kept for (buy then, sell now)', () => {
    const signal = [prices(120_000, B), prices(B, 90_000), prices(B, B), prices(S, S), prices(B, B)];
    expect(keepWh(ECCH_BATTERY, evening, signal, 0)).toBe(Math.ceil(500 / 0.9999));
  });

  it('when the expected community price does not beat the feed-in tariff, then it keeps everything (sells nothing)', () => {
    const signal = evening.map(() => prices(S, S));
    expect(keepWh(ECCH_BATTERY, evening, signal, 0)).toBe(cap);
  });

  it('when the need exceeds the battery, then it keeps the whole capacity', () => {
    const long = [{ generationWh: 0, demandWh: 0 }, ...Array.from({ length: 10 }, () => ({ generationWh: 0, demandWh: 2000 }))];
    expect(keepWh(ECCH_BATTERY, long, long.map(() => prices(B, B)), 0)).toBe(cap);
  });
});

const hour = fc.record({ generationWh: fc.integer({ min: 0, max: 9000 }), demandWh: fc.integer({ min: 0, max: 6000 }) });
const price = fc.integer({ min: S, max: B });

describe('a home with a trading battery, over random profiles', () => {
  it('keeps SoC in [0, capacity], power within 2.5 kW, never buys and sells at once, and balances every hour exactly', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ h: hour, sell: price, buy: price }), { minLength: 1, maxLength: 72 }), fc.integer({ min: 0, max: cap }), (hours, soc0) => {
        const forecast = hours.map((x) => x.h);
        const signal = hours.map((x) => prices(x.sell, x.buy));
        let soc = soc0;
        for (let i = 0; i < hours.length; i++) {
          const keep = keepWh(ECCH_BATTERY, forecast, signal, i);
          expect(keep).toBeGreaterThanOrEqual(0);
          expect(keep).toBeLessThanOrEqual(cap);
          const p = netPosition(forecast[i], ECCH_BATTERY, soc, keep);
          const b = p.battery;
          expect(b.socAfterWh).toBeGreaterThanOrEqual(0);
          expect(b.socAfterWh).toBeLessThanOrEqual(cap);
          expect(b.chargedWh).toBeLessThanOrEqual(ECCH_BATTERY.maxWhPerHour);
          expect(b.dischargedWh).toBeLessThanOrEqual(ECCH_BATTERY.maxWhPerHour);
          expect(b.soldWh).toBeLessThanOrEqual(b.dischargedWh);
          // It sells only above what it keeps (or from nothing).
          if (b.soldWh > 0) expect(b.socAfterWh).toBeGreaterThanOrEqual(keep);
          expect(p.importWh > 0 && p.exportWh > 0).toBe(false);
          expect(p.importWh).toBeGreaterThanOrEqual(0);
          expect(p.exportWh).toBeGreaterThanOrEqual(0);
          // generation + import = demand + export + ΔSoC + loss, to the Wh.
          expect(p.generationWh + p.importWh).toBe(p.demandWh + p.exportWh + (b.socAfterWh - b.socBeforeWh) + b.lossWh);
          // Efficiency as specified, to the Wh: the hour's output drawn once.
          if (b.dischargedWh > 0) expect(b.socBeforeWh - b.socAfterWh).toBe(Math.ceil((b.dischargedWh * 10000) / 9999));
          soc = b.socAfterWh;
        }
      }),
    );
  });

  it('sells no more than the self-consumption battery leaves it, and serves its home first', () => {
    fc.assert(
      fc.property(hour, fc.integer({ min: 0, max: cap }), fc.integer({ min: 0, max: cap }), (h, soc, keep) => {
        const self = netPosition(h, ECCH_BATTERY, soc);
        const trade = netPosition(h, ECCH_BATTERY, soc, keep);
        // The home's own deficit is covered at least as well as without selling.
        expect(trade.importWh).toBeLessThanOrEqual(self.importWh);
        expect(trade.battery.dischargedWh - trade.battery.soldWh).toBe(self.battery.dischargedWh);
        expect(trade.exportWh - trade.battery.soldWh).toBe(self.exportWh);
      }),
    );
  });
});

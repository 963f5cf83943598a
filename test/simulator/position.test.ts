import fc from 'fast-check';
import { ECCH_BATTERY } from '@ecch/simulator/agent/battery';
import { netPosition } from '@ecch/simulator/agent/position';

const hour = fc.record({ generationWh: fc.integer({ min: 0, max: 9000 }), demandWh: fc.integer({ min: 0, max: 6000 }) });

describe('household net position', () => {
  it('when PV exceeds demand without a battery, then the surplus is exported', () => {
    const p = netPosition({ generationWh: 3000, demandWh: 1200 }, null, 0);
    expect([p.selfUseWh, p.exportWh, p.importWh]).toEqual([1200, 1800, 0]);
  });

  it('when a battery has room, then it charges from the surplus first and only the rest is offered', () => {
    const p = netPosition({ generationWh: 3000, demandWh: 1200 }, ECCH_BATTERY, 4000);
    expect(p.battery.chargedWh).toBe(1021); // ⌊1021·0.98⌋ = 1000 fills the 1000 Wh of headroom; ⌊1022·0.98⌋ = 1001 would not fit
    expect(p.battery.socAfterWh).toBe(5000);
    expect(p.exportWh).toBe(779);
  });

  it('when demand exceeds PV, then the battery discharges before anything is bought', () => {
    const p = netPosition({ generationWh: 0, demandWh: 1500 }, ECCH_BATTERY, 1000);
    expect(p.battery.dischargedWh).toBe(999);
    expect(p.importWh).toBe(501);
  });

  it('balances every hour: generation + import = demand + export + ΔSoC + loss, and never buys and sells at once', () => {
    fc.assert(
      fc.property(fc.array(hour, { minLength: 1, maxLength: 72 }), fc.boolean(), (hours, withBattery) => {
        let soc = 0;
        for (const h of hours) {
          const p = netPosition(h, withBattery ? ECCH_BATTERY : null, soc);
          const b = p.battery;
          expect(p.generationWh + p.importWh).toBe(p.demandWh + p.exportWh + (b.socAfterWh - b.socBeforeWh) + b.lossWh);
          expect(p.importWh * p.exportWh).toBe(0);
          expect(p.importWh).toBeGreaterThanOrEqual(0);
          expect(p.exportWh).toBeGreaterThanOrEqual(0);
          expect(b.socAfterWh).toBeGreaterThanOrEqual(0);
          expect(b.socAfterWh).toBeLessThanOrEqual(withBattery ? ECCH_BATTERY.capacityWh : 0);
          soc = b.socAfterWh;
        }
      }),
    );
  });

  it('refuses non-integer or negative energy (integer Wh at the API boundary)', () => {
    expect(() => netPosition({ generationWh: 1.5, demandWh: 0 }, null, 0)).toThrow(RangeError);
    expect(() => netPosition({ generationWh: 0, demandWh: -1 }, null, 0)).toThrow(RangeError);
  });
});

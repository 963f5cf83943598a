import fc from 'fast-check';
import { ECCH_BATTERY, stepBattery } from '@ecch/simulator/agent/battery';

const cap = ECCH_BATTERY.capacityWh;
const step = fc.record({ surplus: fc.integer({ min: 0, max: 12_000 }), deficit: fc.integer({ min: 0, max: 12_000 }), charge: fc.boolean() });

describe('battery (5 kWh, 2.5 kW, 98 % / 99.99 %)', () => {
  it('when charging 2.5 kWh into an empty battery, then 2450 Wh are stored and 50 Wh lost', () => {
    expect(stepBattery(ECCH_BATTERY, 0, 4000, 0)).toEqual({ socBeforeWh: 0, socAfterWh: 2450, chargedWh: 2500, dischargedWh: 0, soldWh: 0, lossWh: 50 });
  });

  it('when discharging 2.5 kWh from a full battery, then ⌈2500 / 0.9999⌉ = 2501 Wh are drawn', () => {
    expect(stepBattery(ECCH_BATTERY, cap, 0, 3000)).toEqual({ socBeforeWh: cap, socAfterWh: 2499, chargedWh: 0, dischargedWh: 2500, soldWh: 0, lossWh: 1 });
  });

  it('when nearly full, then it takes only what fits after losses', () => {
    const s = stepBattery(ECCH_BATTERY, 4990, 1000, 0);
    expect(s.socAfterWh).toBe(cap);
    expect(s.chargedWh).toBe(11); // ⌊11·0.98⌋ = 10 fits, ⌊12·0.98⌋ = 11 would not
  });

  it('when given a state of charge outside [0, capacity], then it refuses', () => {
    expect(() => stepBattery(ECCH_BATTERY, -1, 0, 0)).toThrow(RangeError);
    expect(() => stepBattery(ECCH_BATTERY, cap + 1, 0, 0)).toThrow(RangeError);
  });

  it('never leaves [0, capacity] nor the power limit, and accounts for every Wh, over any sequence of hours', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 96 }), (hours) => {
        let soc = 0;
        for (const h of hours) {
          const surplus = h.charge ? h.surplus : 0;
          const deficit = h.charge ? 0 : h.deficit;
          const s = stepBattery(ECCH_BATTERY, soc, surplus, deficit);
          expect(s.socAfterWh).toBeGreaterThanOrEqual(0);
          expect(s.socAfterWh).toBeLessThanOrEqual(cap);
          expect(s.chargedWh).toBeLessThanOrEqual(Math.min(surplus, ECCH_BATTERY.maxWhPerHour));
          expect(s.dischargedWh).toBeLessThanOrEqual(Math.min(deficit, ECCH_BATTERY.maxWhPerHour));
          expect(s.lossWh).toBeGreaterThanOrEqual(0);
          // Stored change = AC in − AC out − loss, exactly.
          expect(s.socAfterWh - s.socBeforeWh).toBe(s.chargedWh - s.dischargedWh - s.lossWh);
          // Efficiencies as specified, to the Wh.
          if (s.chargedWh > 0) expect(s.socAfterWh - soc).toBe(Math.floor(s.chargedWh * 0.98 + 1e-9));
          if (s.dischargedWh > 0) expect(soc - s.socAfterWh).toBe(Math.ceil(s.dischargedWh / 0.9999 - 1e-9));
          soc = s.socAfterWh;
        }
      }),
    );
  });

  it('uses as much of the surplus or deficit as the limits allow (no energy left on the table)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: cap }), fc.integer({ min: 1, max: 12_000 }), fc.boolean(), (soc, wh, charge) => {
        const s = charge ? stepBattery(ECCH_BATTERY, soc, wh, 0) : stepBattery(ECCH_BATTERY, soc, 0, wh);
        if (charge && s.chargedWh < Math.min(wh, ECCH_BATTERY.maxWhPerHour)) {
          // One more Wh in would overfill.
          expect(soc + Math.floor(((s.chargedWh + 1) * 9800) / 10000)).toBeGreaterThan(cap);
        }
        if (!charge && s.dischargedWh < Math.min(wh, ECCH_BATTERY.maxWhPerHour)) {
          // One more Wh out would draw more than is stored.
          expect(Math.ceil(((s.dischargedWh + 1) * 10000) / 9999)).toBeGreaterThan(soc);
        }
      }),
    );
  });
});

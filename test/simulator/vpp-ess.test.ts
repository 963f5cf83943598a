import fc from 'fast-check';
import { applyEss, chargeableWh, dischargeableWh, SOC_BY_STATUS, VPP_ESS } from '@ecch/simulator/vpp/ess';

const { capacityWh: cap, floorWh: floor, maxWhPerHour: limit } = VPP_ESS;

describe('the VPP energy storage system (200 kWh, 40 kW, floor 20 kWh, 95 % / 95 %)', () => {
  it('when charging 40 kWh at "charged" (160 kWh), then ⌊40000 · 0.95⌋ = 38000 Wh are stored and 2000 Wh lost', () => {
    expect(applyEss(VPP_ESS, SOC_BY_STATUS.charged, 40_000, 0)).toEqual({ socBeforeWh: 160_000, socAfterWh: 198_000, chargedWh: 40_000, dischargedWh: 0, lossWh: 2_000 });
  });

  it('when discharging 40 kWh at "short" (70 kWh), then ⌈40000 / 0.95⌉ = 42106 Wh are drawn', () => {
    expect(applyEss(VPP_ESS, SOC_BY_STATUS.short, 0, 40_000)).toEqual({ socBeforeWh: 70_000, socAfterWh: 27_894, chargedWh: 0, dischargedWh: 40_000, lossWh: 2_106 });
  });

  it('when near the floor, then it delivers only ⌊(soc − floor) · ηd⌋', () => {
    expect(dischargeableWh(VPP_ESS, 30_000)).toBe(9_500);
    expect(dischargeableWh(VPP_ESS, floor)).toBe(0);
    expect(() => applyEss(VPP_ESS, 30_000, 0, 9_501)).toThrow(RangeError);
  });

  it('when nearly full, then it takes only what fits after losses', () => {
    expect(chargeableWh(VPP_ESS, cap - 10)).toBe(11); // ⌊11 · 0.95⌋ = 10 fits, ⌊12 · 0.95⌋ = 11 would not
    expect(applyEss(VPP_ESS, cap - 10, 11, 0).socAfterWh).toBe(cap);
  });

  it('when asked to charge and discharge in the same hour, or from outside [0, capacity], then it refuses', () => {
    expect(() => applyEss(VPP_ESS, 100_000, 1, 1)).toThrow(RangeError);
    expect(() => applyEss(VPP_ESS, cap + 1, 0, 0)).toThrow(RangeError);
  });

  it('conserves energy over any hour: stored = charged − loss, drawn = discharged + loss, within [floor, capacity] and the 40 kW limit', () => {
    fc.assert(
      fc.property(fc.integer({ min: floor, max: cap }), fc.boolean(), fc.double({ min: 0, max: 1, noNaN: true }), (soc, charge, share) => {
        const most = charge ? chargeableWh(VPP_ESS, soc) : dischargeableWh(VPP_ESS, soc);
        expect(most).toBeLessThanOrEqual(limit);
        const wh = Math.floor(most * share);
        const s = charge ? applyEss(VPP_ESS, soc, wh, 0) : applyEss(VPP_ESS, soc, 0, wh);
        expect(s.lossWh).toBeGreaterThanOrEqual(0);
        expect(s.socAfterWh - s.socBeforeWh).toBe(s.chargedWh - s.dischargedWh - s.lossWh);
        expect(s.socAfterWh).toBeGreaterThanOrEqual(floor);
        expect(s.socAfterWh).toBeLessThanOrEqual(cap);
      }),
    );
  });
});

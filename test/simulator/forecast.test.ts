import { hourSlots } from '@ecch/simulator/fixtures/series';
import { forecastInputs, NOISE } from '@ecch/simulator/sim/forecast';

const slots = hourSlots('2026-06-21', 24);
const actual = new Map(
  ['a', 'b', 'c'].map((id, k) => [id, slots.map((s) => ({ generationWh: s.localHour >= 6 && s.localHour < 18 ? 1000 * (k + 1) : 0, demandWh: 500 + 100 * k }))]),
);

describe('the orders’ forecast', () => {
  it('with model none, is the actual profile itself', () => {
    expect(forecastInputs(actual, slots, 1, 'none')).toEqual(actual);
  });

  it('with model noise, is the same for the same seed and different for another', () => {
    const f = forecastInputs(actual, slots, 7, 'noise');
    expect(forecastInputs(actual, slots, 7, 'noise')).toEqual(f);
    expect(forecastInputs(actual, slots, 8, 'noise')).not.toEqual(f);
  });

  it('with model noise, stays within the documented bounds, in whole Wh, and forecasts no PV at night', () => {
    const f = forecastInputs(actual, slots, 7, 'noise');
    const pvSpread = NOISE.skyPv + NOISE.homePv;
    for (const [id, hours] of f) {
      hours.forEach((h, i) => {
        const a = actual.get(id)![i];
        expect(Number.isInteger(h.generationWh) && Number.isInteger(h.demandWh)).toBe(true);
        expect(Math.abs(h.generationWh - a.generationWh)).toBeLessThanOrEqual(Math.ceil(a.generationWh * pvSpread));
        expect(Math.abs(h.demandWh - a.demandWh)).toBeLessThanOrEqual(Math.ceil(a.demandWh * NOISE.demand));
        if (a.generationWh === 0) expect(h.generationWh).toBe(0);
      });
    }
    expect([...f.values()].flat().some((h, i) => h.demandWh !== [...actual.values()].flat()[i].demandWh)).toBe(true);
  });

  it("with model noise, shares the sky's error: every home's PV error leans the same way in most daylight hours", () => {
    const f = forecastInputs(actual, slots, 7, 'noise');
    // e_sky spans ±15 %, e_home only ±5 %: whenever |e_sky| > 5 %, all homes' PV errors have its sign.
    let agreeing = 0;
    let daylight = 0;
    slots.forEach((_, i) => {
      if (actual.get('a')![i].generationWh === 0) return;
      daylight++;
      const signs = [...f].map(([id, hs]) => Math.sign(hs[i].generationWh - actual.get(id)![i].generationWh));
      if (signs.every((x) => x === signs[0])) agreeing++;
    });
    expect(agreeing).toBeGreaterThanOrEqual(daylight / 2);
  });

  it("with model noise, gives a home the same forecast whichever other homes are simulated", () => {
    const alone = forecastInputs(new Map([['b', actual.get('b')!]]), slots, 7, 'noise');
    expect(alone.get('b')).toEqual(forecastInputs(actual, slots, 7, 'noise').get('b'));
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateEcch, selectLot2 } from '@ecch/simulator/fixtures/community';
import { demandWh } from '@ecch/simulator/fixtures/demand';
import { generateFixtures } from '@ecch/simulator/fixtures/generate';
import { hourSlots, solarSeries } from '@ecch/simulator/fixtures/series';
import { tariffAt } from '@ecch/simulator/fixtures/tariffs';
import { deriveSeed, mulberry32 } from '@ecch/simulator/util/prng';

const FIXTURES = join(__dirname, '../../fixtures');

describe('fixture generator', () => {
  it('when run twice with the same seed, then every file is byte-identical', () => {
    const a = generateFixtures({ seed: 7 });
    const b = generateFixtures({ seed: 7 });
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [k, v] of a) expect(b.get(k)).toBe(v);
  });

  it('when the seed differs, then the community and the demand differ', () => {
    const a = generateFixtures({ seed: 1 });
    const b = generateFixtures({ seed: 2 });
    expect(a.get('community/ecch.json')).not.toBe(b.get('community/ecch.json'));
    expect(a.get('demand/ecch-2026-06-21-48h.json')).not.toBe(b.get('demand/ecch-2026-06-21-48h.json'));
    // The sun does not depend on the seed.
    expect(a.get('solar/doha-2026-06-21-48h.json')).toBe(b.get('solar/doha-2026-06-21-48h.json'));
  });

  it('matches the committed fixtures byte for byte (npm run fixtures was run after the last change)', () => {
    for (const [rel, text] of generateFixtures()) expect(readFileSync(join(FIXTURES, rel), 'utf8')).toBe(text);
  });

  it('builds 623 homes in lots 1 and 2, 295 with PV, and a lot-2 sample of 10 drawn from them', () => {
    const ecch = generateEcch();
    expect(ecch.households).toHaveLength(623);
    expect(new Set(ecch.households.map((h) => h.id)).size).toBe(623);
    expect(ecch.households.filter((h) => h.pvKwp > 0)).toHaveLength(295);
    expect(new Set(ecch.households.map((h) => h.lot))).toEqual(new Set([1, 2]));
    expect(new Set(ecch.households.map((h) => h.dwelling))).toEqual(new Set(['villa', 'flat']));
    const lot2 = selectLot2(ecch);
    expect(lot2.households).toHaveLength(10);
    for (const h of lot2.households) {
      expect(h.lot).toBe(2);
      expect(ecch.households).toContainEqual(h);
    }
    expect(lot2.households.filter((h) => h.pvKwp > 0)).toHaveLength(5);
  });

  it('uses its own seeded PRNG: same seed, same stream; different labels, different streams', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
    expect(deriveSeed(1, 'home', 'l1-001')).not.toBe(deriveSeed(1, 'home', 'l1-002'));
  });
});

describe('clear-sky PV for Doha', () => {
  const slots = hourSlots('2026-06-21', 24);
  const solar = solarSeries(slots);

  it('is zero at night and peaks around local solar noon (≈ 11:30 in Doha)', () => {
    expect(solar[0].pvWhPerKwp).toBe(0); // 00:00–01:00 local
    expect(solar[22].pvWhPerKwp).toBe(0);
    const peak = solar.reduce((best, s, i) => (s.pvWhPerKwp > solar[best].pvWhPerKwp ? i : best), 0);
    expect([11, 12]).toContain(slots[peak].localHour);
    expect(solar[peak].altitudeDeg).toBeGreaterThan(80); // near the zenith at the June solstice
  });

  it('yields a plausible clear June day: 5–7 kWh per kWp', () => {
    const day = solar.reduce((a, s) => a + s.pvWhPerKwp, 0);
    expect(day).toBeGreaterThan(5000);
    expect(day).toBeLessThan(7000);
  });
});

describe('synthetic demand and tariffs', () => {
  const ecch = generateEcch();
  const villa = ecch.households.find((h) => h.dwelling === 'villa')!;
  const flat = ecch.households.find((h) => h.dwelling === 'flat')!;
  const day = (id: typeof villa) => hourSlots('2026-06-21', 24).map((s) => demandWh(id, s.startUtc, 1));

  it('is deterministic per (seed, home, hour) and cooling-dominated: afternoons and evenings above the night', () => {
    expect(day(villa)).toEqual(day(villa));
    const v = day(villa);
    expect(Math.max(...v.slice(14, 21))).toBeGreaterThan(Math.max(...v.slice(2, 6)));
    expect(v.reduce((a, x) => a + x, 0)).toBeGreaterThan(day(flat).reduce((a, x) => a + x, 0));
  });

  it('keeps 0 ≤ S < B in both tariffs, with the peak priced highest in time of use', () => {
    for (let h = 0; h < 24; h++) {
      for (const k of ['flat', 'tou'] as const) {
        const t = tariffAt(k, h);
        expect(t.gridSellPrice).toBeGreaterThanOrEqual(0);
        expect(t.gridSellPrice).toBeLessThan(t.gridBuyPrice);
        expect(Number.isInteger(t.gridBuyPrice) && Number.isInteger(t.gridSellPrice)).toBe(true);
      }
    }
    expect(tariffAt('tou', 14).gridBuyPrice).toBeGreaterThan(tariffAt('tou', 3).gridBuyPrice);
    expect(tariffAt('flat', 14)).toEqual(tariffAt('flat', 3));
  });
});

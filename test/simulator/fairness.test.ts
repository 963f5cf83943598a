/** How the gain is shared (report/fairness.ts): median, share better off, Gini of the gains. */
import fc from 'fast-check';
import { fairness, gini, median } from '@ecch/simulator/report/fairness';

/** The definition, pair by pair. */
const giniByPairs = (g: number[]) => {
  let d = 0;
  for (const a of g) for (const b of g) d += Math.abs(a - b);
  return d / (2 * g.length * g.reduce((s, x) => s + Math.abs(x), 0));
};

describe('fairness of the gains', () => {
  it('when every home gains the same, then the Gini is 0', () => {
    expect(gini([5, 5, 5, 5])).toBe(0);
  });

  it('when one home of four takes the whole gain, then the Gini is (n − 1) / n = 0.75', () => {
    expect(gini([0, 0, 0, 8])).toBe(0.75);
  });

  it('when gains and losses mix, then it is normalised by the mean absolute gain and stays in [0, 1]', () => {
    expect(gini([-1, 1])).toBe(0.5);
  });

  it('when every gain is 0, then there is no index', () => {
    expect(gini([0, 0])).toBeNull();
  });

  it('equals the pairwise definition for any gains, within [0, 1]', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1_000_000, max: 1_000_000 }), { minLength: 1, maxLength: 50 }), (g) => {
        const x = gini(g);
        if (g.every((v) => v === 0)) return expect(x).toBeNull();
        expect(x).toBeCloseTo(giniByPairs(g), 4);
        expect(x!).toBeGreaterThanOrEqual(0);
        expect(x!).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('reports min, median, max and the share of homes better off', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(3); // (2 + 3) / 2, halves rounded up
    expect(fairness([-2, 0, 1, 7])).toEqual({ minMicro: -2, medianMicro: 1, maxMicro: 7, shareBetterOff: 0.5, gini: gini([-2, 0, 1, 7]) });
  });
});

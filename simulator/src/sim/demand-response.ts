/**
 * Price-based demand response (docs/study.md): a share of each home's demand is
 * flexible and moves, within each local day, toward the hours of lowest expected
 * community price. Rule, per home and day: every hour gives up round(share · demand)
 * Wh; the day's total F is given back to the day's hours in proportion to how far each
 * hour's expected buy price lies below the day's highest (largest remainders, ties to
 * the earlier hour); a day whose expected price does not vary keeps its profile.
 * Energy is conserved exactly per home and day. Pure.
 */
import { HourInput } from '../agent/position';
import { HourSlot } from '../fixtures/series';

export function shiftDemand(
  inputs: ReadonlyMap<string, readonly HourInput[]>,
  slots: readonly HourSlot[],
  expectedBuyPrice: readonly number[],
  share: number,
): Map<string, HourInput[]> {
  if (!(share >= 0 && share <= 1)) throw new RangeError(`demand-response share ${share} outside [0, 1]`);
  const days = new Map<string, number[]>();
  slots.forEach((s, i) => days.set(s.localDate, [...(days.get(s.localDate) ?? []), i]));
  const out = new Map<string, HourInput[]>();
  for (const [id, hours] of inputs) {
    const shifted = hours.map((h) => ({ ...h }));
    for (const idx of days.values()) {
      const max = Math.max(...idx.map((i) => expectedBuyPrice[i]));
      const weights = idx.map((i) => max - expectedBuyPrice[i]);
      const total = weights.reduce((a, w) => a + w, 0);
      if (share === 0 || total === 0) continue;
      let flexible = 0;
      for (const i of idx) {
        const f = Math.round(shifted[i].demandWh * share);
        shifted[i].demandWh -= f;
        flexible += f;
      }
      // Largest remainders: floor shares first, then one Wh each to the largest remainders.
      const exact = weights.map((w) => (flexible * w) / total);
      const given = exact.map(Math.floor);
      let left = flexible - given.reduce((a, g) => a + g, 0);
      const order = idx.map((_, j) => j).sort((a, b) => exact[b] - given[b] - (exact[a] - given[a]) || a - b);
      for (const j of order) {
        if (left === 0) break;
        given[j]++;
        left--;
      }
      idx.forEach((i, j) => (shifted[i].demandWh += given[j]));
    }
    out.set(id, shifted);
  }
  return out;
}

/**
 * `mmr`, the mid-market rate (mechanisms.md §2): one price halfway between the grid's
 * tariffs, Pm = (B + S) / 2 exactly. Sells with λ ≤ Pm and buys with λ ≥ Pm are
 * accepted (Pm does not depend on quantities, so one pass decides); the short side
 * trades in full and the long side shares E = min(TS, TD) by largest remainder; every
 * internal kWh at P = round(Pm).
 */
import { gt, lt, rational, roundHalfUp } from '../rational';
import { energyCost } from '../settlement';
import { ClearingRule } from './mechanism';
import { shareInternal } from './proportional';

export const mmr: ClearingRule = (book, { gridBuyPrice: B, gridSellPrice: S }) => {
  const Pm = rational(B + S, 2n);
  const accepted = book.map((o) => (o.side === 'sell' ? !gt(rational(o.limit), Pm) : !lt(rational(o.limit), Pm)));
  const internal = shareInternal(book, accepted);
  const P = roundHalfUp(Pm);
  const traded = internal.some((q) => q > 0n);
  return {
    orders: book.map((_o, i) => ({ accepted: accepted[i], internalWh: internal[i], internalAmount: energyCost(internal[i], P) })),
    internalPrice: traded ? P : null,
    rounds: 1,
  };
};

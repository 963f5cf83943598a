/**
 * `sdr`, Supply-Demand-Ratio pricing (market-rules §5–§7): the limit-price loop of
 * ../sdr.ts fixes the accepted orders and Ps, Pb; the short side trades in full, the
 * long side shares E by largest remainder; every internal kWh at P = round(Ps).
 */
import { roundHalfUp } from '../rational';
import { clearSdr } from '../sdr';
import { energyCost } from '../settlement';
import { ClearingRule } from './mechanism';
import { shareInternal } from './proportional';

export const sdr: ClearingRule = (book, tariffs) => {
  const outcome = clearSdr(
    book.map((o, index) => ({ side: o.side, energyWh: o.energy, limitPrice: o.limit, index })),
    tariffs,
  );
  const accepted = book.map(() => false);
  for (const o of outcome.accepted) accepted[o.index] = true;
  const internal = shareInternal(book, accepted);
  const P = roundHalfUp(outcome.sellPrice);
  return {
    orders: book.map((_o, i) => ({ accepted: accepted[i], internalWh: internal[i], internalAmount: energyCost(internal[i], P) })),
    // market-rules §5: Ps is the community price, published whether or not energy traded.
    internalPrice: P,
    published: { sellPrice: P, buyPrice: roundHalfUp(outcome.buyPrice) },
    rounds: outcome.rounds,
  };
};

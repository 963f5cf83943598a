/**
 * The internal energy of a single-price market once its accepted orders are known
 * (market-rules §6, and mechanisms.md §2 for mmr): E = min(TS, TD); the short side
 * trades all its energy inside the community and the long side shares E in
 * proportion to energy, by largest remainder (ties: ascending participant id).
 */
import { largestRemainder } from '../allocation';
import { BookOrder } from './mechanism';

/** Internal Wh per book order (0 for an order not accepted). */
export function shareInternal(book: readonly BookOrder[], accepted: readonly boolean[]): bigint[] {
  let TS = 0n;
  let TD = 0n;
  book.forEach((o, i) => {
    if (!accepted[i]) return;
    if (o.side === 'sell') TS += o.energy;
    else TD += o.energy;
  });
  const E = TS <= TD ? TS : TD;
  // With TS ≤ TD the buyers share E = TS, else the sellers share E = TD (TS = TD: both in full).
  const rationedSide = TS <= TD ? 'buy' : 'sell';
  const rationed = book.map((_o, i) => i).filter((i) => accepted[i] && book[i].side === rationedSide);
  const shares = largestRemainder(
    E,
    rationed.map((i) => ({ participantId: book[i].participantId, energyWh: book[i].energy })),
  );
  const internal = book.map((o, i) => (accepted[i] ? o.energy : 0n));
  rationed.forEach((i, k) => {
    internal[i] = shares[k];
  });
  return internal;
}

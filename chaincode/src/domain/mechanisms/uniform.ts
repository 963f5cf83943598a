/**
 * `uniform`, a pay-as-clear double auction with k = 1/2 (mechanisms.md §3): the walk
 * of ./matching.ts decides who trades how much; every internal kWh is priced at
 * P = round((λs* + λb*) / 2) from the last matched pair's limits, so λs* ≤ P ≤ λb* and
 * no matched order trades beyond its limit. An order is accepted when its limit is on
 * the right side of P, so an accepted order may have traded nothing internally.
 */
import { divRoundHalfUp } from '../rational';
import { energyCost } from '../settlement';
import { ClearingRule } from './mechanism';
import { matchBook, matchedEnergy } from './matching';

export const uniform: ClearingRule = (book) => {
  const { matches, last } = matchBook(book);
  if (last === null) {
    // E = 0: nothing trades internally and every order is rejected.
    return { orders: book.map(() => ({ accepted: false, internalWh: 0n, internalAmount: 0n })), internalPrice: null, rounds: 1 };
  }
  const P = divRoundHalfUp(last.sellLimit + last.buyLimit, 2n);
  const internal = matchedEnergy(book, matches);
  return {
    orders: book.map((o, i) => ({
      accepted: o.side === 'sell' ? o.limit <= P : o.limit >= P,
      internalWh: internal[i],
      internalAmount: energyCost(internal[i], P),
    })),
    internalPrice: P,
    rounds: 1,
  };
};

/**
 * `pay-as-bid`, a discriminatory double auction (mechanisms.md §4): the walk of
 * ./matching.ts, and each match priced at its buyer's limit. The match's amount
 * a = round(q · λb / 1000) is both the buyer's debit and the seller's credit, so the
 * internal money balances to the µ. Accepted: the orders that traded internally.
 * There is no single internal price.
 */
import { energyCost } from '../settlement';
import { ClearingRule } from './mechanism';
import { matchBook } from './matching';

export const payAsBid: ClearingRule = (book) => {
  const { matches } = matchBook(book);
  const internal = book.map(() => 0n);
  const money = book.map(() => 0n);
  for (const m of matches) {
    const a = energyCost(m.energy, book[m.buy].limit);
    internal[m.sell] += m.energy;
    internal[m.buy] += m.energy;
    money[m.sell] += a;
    money[m.buy] += a;
  }
  return {
    orders: book.map((_o, i) => ({ accepted: internal[i] > 0n, internalWh: internal[i], internalAmount: money[i] })),
    internalPrice: null,
    rounds: 1,
  };
};

/**
 * The double auction's walk down the book (mechanisms.md §3 steps 1–2), shared by
 * `uniform` and `pay-as-bid`: sells cheapest first, buys dearest first, matched while
 * the sell's limit is at most the buy's.
 */
import { BookOrder, compareIds } from './mechanism';

export interface Match {
  /** Book index of the seller. */
  sell: number;
  /** Book index of the buyer. */
  buy: number;
  /** Wh traded between them (> 0). */
  energy: bigint;
}

export interface MatchedBook {
  /** In the walk's order. */
  matches: Match[];
  /** The limits (λs*, λb*) of the last matched pair; null when nothing matched. */
  last: { sellLimit: bigint; buyLimit: bigint } | null;
}

/**
 * Sells by (λ ascending, participant id ascending), buys by (λ descending, participant
 * id ascending); the book index (its total order) breaks what is left, so the walk is
 * the same whatever order the orders arrived in.
 */
export function sortedSides(book: readonly BookOrder[]): { sells: number[]; buys: number[] } {
  const idx = book.map((_o, i) => i);
  const byLimit = (dir: 1n | -1n) => (a: number, b: number) => {
    const d = (book[a].limit - book[b].limit) * dir;
    return (d < 0n ? -1 : d > 0n ? 1 : 0) || compareIds(book[a].participantId, book[b].participantId) || a - b;
  };
  return {
    sells: idx.filter((i) => book[i].side === 'sell').sort(byLimit(1n)),
    buys: idx.filter((i) => book[i].side === 'buy').sort(byLimit(-1n)),
  };
}

/**
 * While a sell and a buy remain and the sell's λ ≤ the buy's λ: match the smaller of
 * their remaining energies and move past whichever is exhausted (both if both are).
 */
export function matchBook(book: readonly BookOrder[]): MatchedBook {
  const { sells, buys } = sortedSides(book);
  const matches: Match[] = [];
  let last: MatchedBook['last'] = null;
  let i = 0;
  let j = 0;
  let restSell = sells.length > 0 ? book[sells[0]].energy : 0n;
  let restBuy = buys.length > 0 ? book[buys[0]].energy : 0n;
  while (i < sells.length && j < buys.length && book[sells[i]].limit <= book[buys[j]].limit) {
    const q = restSell < restBuy ? restSell : restBuy;
    if (q > 0n) {
      matches.push({ sell: sells[i], buy: buys[j], energy: q });
      last = { sellLimit: book[sells[i]].limit, buyLimit: book[buys[j]].limit };
    }
    restSell -= q;
    restBuy -= q;
    if (restSell === 0n && ++i < sells.length) restSell = book[sells[i]].energy;
    if (restBuy === 0n && ++j < buys.length) restBuy = book[buys[j]].energy;
  }
  return { matches, last };
}

/** Matched Wh per book order. */
export function matchedEnergy(book: readonly BookOrder[], matches: readonly Match[]): bigint[] {
  const internal = book.map(() => 0n);
  for (const m of matches) {
    internal[m.sell] += m.energy;
    internal[m.buy] += m.energy;
  }
  return internal;
}

/**
 * The public community view (issue 16): what every neighbour may see without a token.
 *
 * The gateway reads the ledger as the NA and shows only aggregates of what it read:
 * per home its position in the current market (selling, buying or idle) and nothing
 * else — no id, no name, no energy, no price; a home is its ordinal in the register
 * sorted by participant id. Per market only what the public order book and the
 * result's headline figures already say (totals, prices, P2P volume). The chaincode
 * stays the authority: every figure comes from a ledger read, none is kept here.
 */
import type { Market, MarketResult, Order, Participant } from '@ecch/chaincode';
import type { GatewayContext } from '../context';
import type { LedgerEvent } from '../ledger/port';
import { LedgerRefusal } from '../ledger/port';

export type Position = 'selling' | 'buying' | 'idle';

export interface CommunityMarket {
  id: string;
  status: Market['status'];
  deliveryStart: string;
  durationMinutes: number;
  mechanism: string;
  gridBuyPrice: number;
  gridSellPrice: number;
}

export interface CommunityFigures {
  marketId: string;
  internalPrice: number | null;
  sellPrice: number | null;
  buyPrice: number | null;
  internalWh: number;
  gridImportWh: number;
  gridExportWh: number;
}

export interface CommunitySnapshot {
  /** The market the homes are coloured by: the open one (earliest delivery first), else the latest that traded. */
  market: CommunityMarket | null;
  /** One letter per home, in register order: `s` selling, `b` buying, `-` idle (623 homes in ~0.6 kB). */
  positions: string;
  counts: Record<Position, number>;
  /** The open market's book totals (what GET /v1/markets/{id}/orderbook shows, without levels). */
  book: { sellWh: number; buyWh: number; sellOrders: number; buyOrders: number } | null;
  /** The current market's result once cleared, else null. */
  result: CommunityFigures | null;
  /** The latest cleared market's figures (the last hour's prices), whichever market `market` is. */
  lastResult: CommunityFigures | null;
}

const PAGE = '1000';
const TRADED: ReadonlySet<string> = new Set(['settled', 'reconciled']);
const LETTER: Record<Position, string> = { selling: 's', buying: 'b', idle: '-' };

async function all<T>(read: (bookmark: string) => Promise<{ items: T[]; bookmark: string }>): Promise<T[]> {
  const items: T[] = [];
  let bookmark = '';
  do {
    const page = await read(bookmark);
    items.push(...page.items);
    bookmark = page.bookmark;
  } while (bookmark !== '');
  return items;
}

function publicMarket(m: Market): CommunityMarket {
  const { id, status, deliveryStart, durationMinutes, mechanism, gridBuyPrice, gridSellPrice } = m;
  return { id, status, deliveryStart, durationMinutes, mechanism, gridBuyPrice, gridSellPrice };
}

function figures(r: MarketResult): CommunityFigures {
  return {
    marketId: r.marketId,
    internalPrice: r.internalPrice,
    sellPrice: r.sellPrice,
    buyPrice: r.buyPrice,
    internalWh: r.internalWh,
    gridImportWh: r.gridImportWh,
    gridExportWh: r.gridExportWh,
  };
}

async function resultOf(gw: GatewayContext, id: string): Promise<MarketResult | undefined> {
  try {
    return await gw.chaincode.evaluate(gw.identities.na, 'markets', 'GetResult', id);
  } catch (err) {
    if (err instanceof LedgerRefusal) return undefined;
    throw err;
  }
}

/** A home's position: the side of its live (open or accepted) orders, net of both sides. */
function positionOf(orders: readonly Order[]): Position {
  let net = 0;
  for (const o of orders) {
    if (o.status !== 'open' && o.status !== 'accepted') continue;
    net += o.side === 'sell' ? o.energyWh : -o.energyWh;
  }
  return net > 0 ? 'selling' : net < 0 ? 'buying' : 'idle';
}

export async function snapshot(gw: GatewayContext): Promise<CommunitySnapshot> {
  const na = gw.identities.na;
  const [participants, markets] = await Promise.all([
    all<Participant>((b) => gw.chaincode.evaluate(na, 'participants', 'List', 'approved', PAGE, b)),
    // Newest first; one page is plenty to find the live and the last cleared market.
    gw.chaincode.evaluate(na, 'markets', 'List', '', PAGE, '').then((p: { items: Market[] }) => p.items),
  ]);
  const open = markets.filter((m) => m.status === 'open').sort((a, b) => a.deliveryStart.localeCompare(b.deliveryStart));
  const traded = markets.filter((m) => TRADED.has(m.status)).sort((a, b) => b.deliveryStart.localeCompare(a.deliveryStart));
  const current = open[0] ?? traded[0] ?? markets.find((m) => m.status === 'closed');

  const homes = participants.map((p) => p.id).sort();
  const byOwner = new Map<string, Order[]>();
  let result: CommunityFigures | null = null;
  let book: CommunitySnapshot['book'] = null;
  if (current) {
    const orders = await all<Order>((b) => gw.chaincode.evaluate(na, 'orders', 'ListByMarket', current.id, PAGE, b));
    for (const o of orders) byOwner.set(o.participantId, [...(byOwner.get(o.participantId) ?? []), o]);
    if (TRADED.has(current.status)) {
      const r = await resultOf(gw, current.id);
      result = r ? figures(r) : null;
    } else {
      const live = orders.filter((o) => o.status === 'open');
      const sell = live.filter((o) => o.side === 'sell');
      const buy = live.filter((o) => o.side === 'buy');
      const sum = (os: Order[]) => os.reduce((n, o) => n + o.energyWh, 0);
      book = { sellWh: sum(sell), buyWh: sum(buy), sellOrders: sell.length, buyOrders: buy.length };
    }
  }
  const lastTraded = traded[0];
  const lastResult = result ?? (lastTraded ? ((r) => (r ? figures(r) : null))(await resultOf(gw, lastTraded.id)) : null);

  const counts: Record<Position, number> = { selling: 0, buying: 0, idle: 0 };
  let positions = '';
  for (const id of homes) {
    const p = positionOf(byOwner.get(id) ?? []);
    counts[p] += 1;
    positions += LETTER[p];
  }
  return { market: current ? publicMarket(current) : null, positions, counts, book, result, lastResult };
}

/** Events that can change the snapshot: markets, orders and the register. */
export function changesSnapshot(e: LedgerEvent): boolean {
  return e.name.startsWith('market.') || e.name.startsWith('order.') || e.name.startsWith('participant.');
}

/**
 * One ledger follower for every viewer of the community stream: ledger events mark
 * the snapshot stale, and it is recomputed at most once per `coalesceMs` (a
 * simulation places hundreds of orders a minute; viewers need the picture, not each
 * order). Viewers get a snapshot only when it changed. The follower runs while
 * someone watches.
 */
export class CommunityFeed {
  private readonly viewers = new Set<(s: CommunitySnapshot) => void>();
  private follower: AbortController | undefined;
  private timer: NodeJS.Timeout | undefined;
  private last = '';
  private refreshing: Promise<void> | undefined;
  private stale = false;

  constructor(
    private readonly gw: GatewayContext,
    private readonly coalesceMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Adds a viewer; returns its unsubscribe. */
  watch(viewer: (s: CommunitySnapshot) => void): () => void {
    this.viewers.add(viewer);
    if (!this.follower) this.follow();
    return () => {
      this.viewers.delete(viewer);
      if (this.viewers.size === 0) this.stop();
    };
  }

  stop(): void {
    this.follower?.abort();
    this.follower = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.last = '';
  }

  private follow(): void {
    const signal = (this.follower = new AbortController()).signal;
    void (async () => {
      try {
        for await (const e of this.gw.ledger.events(this.gw.identities.na, undefined, signal)) {
          if (changesSnapshot(e)) this.schedule();
        }
      } catch (err) {
        if (!signal.aborted) this.onError(err);
      }
    })();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, this.coalesceMs);
  }

  private async refresh(): Promise<void> {
    // One recomputation at a time; a change during one triggers another after it.
    if (this.refreshing) {
      this.stale = true;
      return;
    }
    this.refreshing = (async () => {
      try {
        const s = await snapshot(this.gw);
        const json = JSON.stringify(s);
        if (json === this.last) return;
        this.last = json;
        for (const viewer of this.viewers) viewer(s);
      } catch (err) {
        this.onError(err);
      }
    })();
    await this.refreshing;
    this.refreshing = undefined;
    if (this.stale) {
      this.stale = false;
      this.schedule();
    }
  }
}

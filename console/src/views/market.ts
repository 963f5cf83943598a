/** One market: its live order-book depth, (for the NA) every order, and once cleared its result and allocation. */
import { api, all } from '../api';
import { ErrorLine } from '../components';
import { kWh, perKWh, qar, when } from '../format';
import { html } from '../html';
import { useLoad } from '../live';

export interface Market {
  id: string;
  status: string;
  deliveryStart: string;
  durationMinutes: number;
  gridBuyPrice: number;
  gridSellPrice: number;
  mechanism: string;
}

export interface Order {
  id: string;
  marketId: string;
  participantId: string;
  side: 'buy' | 'sell';
  energyWh: number;
  limitPrice: number;
  status: string;
  revision: number;
}

interface Level {
  price: number;
  energyWh: number;
  orders: number;
}
interface Book {
  buy: { totalWh: number; orders: number; levels: Level[] };
  sell: { totalWh: number; orders: number; levels: Level[] };
}

export interface Result {
  marketId: string;
  mechanism: string;
  sdr: { supplyWh: number; demandWh: number; ratio: string | null };
  internalPrice: number | null;
  sellPrice: number | null;
  buyPrice: number | null;
  internalWh: number;
  gridImportWh: number;
  gridExportWh: number;
  gridAmount: number;
  allocations: { orderId: string; participantId: string; side: string; status: string; energyWh: number; internalWh: number; gridWh: number; price: number | null; amount: number }[];
}

const SETTLED = new Set(['settled', 'reconciled']);

/** Depth as horizontal bars: sells above (highest first), buys below. */
export function Depth({ book }: { book: Book }) {
  const max = Math.max(1, ...book.buy.levels.map((l) => l.energyWh), ...book.sell.levels.map((l) => l.energyWh));
  const row = (side: 'buy' | 'sell', l: Level) => html`<tr class=${side}>
    <td>${side}</td><td>${perKWh(l.price)}</td><td>${kWh(l.energyWh)}</td><td>${l.orders}</td>
    <td class="bar-cell" aria-hidden="true"><span class=${`bar ${side}`} style=${`width:${(100 * l.energyWh) / max}%`}></span></td>
  </tr>`;
  return html`<div class="scroll">
    <table class="depth" data-test="depth">
      <caption>Order book: ${kWh(book.sell.totalWh)} offered in ${book.sell.orders} orders, ${kWh(book.buy.totalWh)} wanted in ${book.buy.orders}</caption>
      <thead><tr><th scope="col">Side</th><th scope="col">Limit</th><th scope="col">Energy</th><th scope="col">Orders</th><th scope="col"><span class="sr">Depth</span></th></tr></thead>
      <tbody>
        ${[...book.sell.levels].sort((a, b) => b.price - a.price).map((l) => row('sell', l))}
        ${[...book.buy.levels].sort((a, b) => b.price - a.price).map((l) => row('buy', l))}
      </tbody>
    </table>
  </div>`;
}

export function ResultView({ result, showAllocations }: { result: Result; showAllocations: boolean }) {
  return html`<div data-test="result">
    <dl class="figures">
      <dt>Community sell price</dt><dd data-test="sell-price">${perKWh(result.sellPrice)}</dd>
      <dt>Buy price</dt><dd data-test="buy-price">${perKWh(result.buyPrice)}</dd>
      <dt>Internal price</dt><dd>${perKWh(result.internalPrice)}</dd>
      <dt>Supply / demand</dt><dd>${kWh(result.sdr.supplyWh)} / ${kWh(result.sdr.demandWh)} (SDR ${result.sdr.ratio ?? '—'})</dd>
      <dt>P2P volume</dt><dd data-test="internal">${kWh(result.internalWh)}</dd>
      <dt>Grid import / export</dt><dd>${kWh(result.gridImportWh)} / ${kWh(result.gridExportWh)}</dd>
      <dt>Grid's balance change</dt><dd>${qar(result.gridAmount)}</dd>
    </dl>
    ${showAllocations
      ? html`<div class="scroll">
          <table data-test="allocations">
            <caption>Allocation</caption>
            <thead><tr><th scope="col">Participant</th><th scope="col">Side</th><th scope="col">Status</th><th scope="col">Ordered</th><th scope="col">P2P</th><th scope="col">Grid</th><th scope="col">Price</th><th scope="col">Amount</th></tr></thead>
            <tbody>
              ${result.allocations.map(
                (a) => html`<tr>
                  <td>${a.participantId}</td><td>${a.side}</td><td>${a.status}</td><td>${kWh(a.energyWh)}</td><td>${kWh(a.internalWh)}</td>
                  <td>${kWh(a.gridWh)}</td><td>${perKWh(a.price)}</td><td>${qar(a.amount)}</td>
                </tr>`,
              )}
            </tbody>
          </table>
        </div>`
      : null}
  </div>`;
}

export function MarketDetail({ token, market, showOrders }: { token: string; market: Market; showOrders: boolean }) {
  const book = useLoad(() => api<Book>(token, 'GET', `/v1/markets/${market.id}/orderbook`), [token, market.id, market.status]);
  const result = useLoad(
    () => (SETTLED.has(market.status) ? api<Result>(token, 'GET', `/v1/markets/${market.id}/result`) : Promise.resolve(undefined)),
    [token, market.id, market.status],
  );
  const orders = useLoad(() => (showOrders ? all<Order>(token, `/v1/markets/${market.id}/orders`) : Promise.resolve([])), [token, market.id, showOrders]);
  return html`<section class="card" aria-labelledby="market-title">
    <h3 id="market-title">${market.id} <small class="muted">${market.status} · delivery ${when(market.deliveryStart)} · ${market.mechanism}</small></h3>
    <${ErrorLine} error=${book.error ?? result.error ?? orders.error} />
    ${result.data ? html`<${ResultView} result=${result.data} showAllocations=${showOrders} />` : null}
    ${book.data && !result.data ? html`<${Depth} book=${book.data} />` : null}
    ${showOrders && (orders.data ?? []).length > 0
      ? html`<details>
          <summary>Orders (${orders.data!.length})</summary>
          <table>
            <thead><tr><th scope="col">Order</th><th scope="col">Participant</th><th scope="col">Side</th><th scope="col">Energy</th><th scope="col">Limit</th><th scope="col">Status</th></tr></thead>
            <tbody>
              ${orders.data!.map(
                (o) => html`<tr><td>${o.id}</td><td>${o.participantId}</td><td>${o.side}</td><td>${kWh(o.energyWh)}</td><td>${perKWh(o.limitPrice)}</td><td>${o.status}</td></tr>`,
              )}
            </tbody>
          </table>
        </details>`
      : null}
  </section>`;
}

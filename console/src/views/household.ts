/** A household: its order in the open market with the price outlook, its account, auctions. */
import { useState } from 'preact/hooks';
import { api, type Session } from '../api';
import { ErrorLine, Field, Select, Tabs, useAction } from '../components';
import { kWh, perKWh, when } from '../format';
import { html } from '../html';
import { Tick, useLedgerTick, useLoad } from '../live';
import { AccountPanel } from './account';
import { AuctionsPanel } from './auctions';
import { Depth, ResultView, type Market, type Order, type Result } from './market';

function OrderRow({ token, order, onChanged }: { token: string; order: Order; onChanged: () => void }) {
  const [energy, setEnergy] = useState(String(order.energyWh));
  const [limit, setLimit] = useState(String(order.limitPrice));
  const [error, busy, run] = useAction();
  const path = `/v1/markets/${order.marketId}/orders/${order.id}`;
  const amend = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      await api(token, 'PATCH', path, { energyWh: Number(energy), limitPrice: Number(limit) });
      onChanged();
    });
  };
  const cancel = () => run(async () => (await api(token, 'DELETE', path), onChanged()));
  const live = order.status === 'open';
  return html`<li class="card order" data-order=${order.id}>
    <p>
      <b>${order.side === 'sell' ? 'Selling' : 'Buying'}</b> <span data-test="order-energy">${kWh(order.energyWh)}</span>${' at a limit of '}${perKWh(order.limitPrice)}${' · '}
      <span data-test="order-status">${order.status}</span>${' · revision '}<span data-test="order-revision">${order.revision}</span>
    </p>
    ${live
      ? html`<form class="inline" onSubmit=${amend} aria-label=${`Amend order ${order.id}`}>
          <${Field} label="Energy (Wh)" name=${`a-energy-${order.id}`} type="number" value=${energy} onInput=${setEnergy} />
          <${Field} label="Limit (µ/kWh)" name=${`a-limit-${order.id}`} type="number" value=${limit} onInput=${setLimit} />
          <button type="submit" disabled=${busy}>Amend</button>
          <button type="button" class="secondary" disabled=${busy} onClick=${cancel}>Cancel order</button>
        </form>`
      : null}
    <${ErrorLine} error=${error} />
  </li>`;
}

function Trade({ session }: { session: Session }) {
  const token = session.token;
  const markets = useLoad(() => api<{ items: Market[] }>(token, 'GET', '/v1/markets?pageSize=100').then((r) => r.items), [token]);
  const open = (markets.data ?? []).filter((m) => m.status === 'open').sort((a, b) => a.deliveryStart.localeCompare(b.deliveryStart));
  const lastSettled = (markets.data ?? []).filter((m) => m.status === 'settled' || m.status === 'reconciled').sort((a, b) => b.deliveryStart.localeCompare(a.deliveryStart))[0];
  const [chosenId, setChosenId] = useState<string | undefined>();
  const market = open.find((m) => m.id === chosenId) ?? open[0];
  const book = useLoad(
    () => (market ? api<Parameters<typeof Depth>[0]['book']>(token, 'GET', `/v1/markets/${market.id}/orderbook`) : Promise.resolve(undefined)),
    [token, market?.id],
  );
  const last = useLoad(() => (lastSettled ? api<Result>(token, 'GET', `/v1/markets/${lastSettled.id}/result`) : Promise.resolve(undefined)), [token, lastSettled?.id]);
  const mine = useLoad(
    () => (market ? api<{ items: Order[] }>(token, 'GET', `/v1/markets/${market.id}/orders`).then((r) => r.items) : Promise.resolve([])),
    [token, market?.id],
  );
  const [form, setForm] = useState({ side: 'sell', energyWh: '1000', limitPrice: '' });
  const [error, busy, run] = useAction();
  const place = (e: Event) => {
    e.preventDefault();
    if (!market) return;
    void run(async () => {
      await api(token, 'POST', `/v1/markets/${market.id}/orders`, {
        side: form.side,
        energyWh: Number(form.energyWh),
        ...(form.limitPrice.trim() ? { limitPrice: Number(form.limitPrice) } : {}),
        clientOrderId: `console-${Date.now().toString(36)}`,
      });
      mine.reload();
      book.reload();
    });
  };
  const changed = () => (mine.reload(), book.reload());
  return html`<div>
    <${ErrorLine} error=${markets.error ?? book.error ?? mine.error} />
    ${open.length > 1
      ? html`<${Select} label="Market" name="h-market" value=${market?.id ?? ''} options=${open.map((m) => m.id)} onChange=${setChosenId} />`
      : null}
    ${market
      ? html`<section class="card" aria-labelledby="open-title">
          <h3 id="open-title">Open market ${market.id} <small class="muted">delivery ${when(market.deliveryStart)} · ${market.mechanism}</small></h3>
          <p>The grid buys at ${perKWh(market.gridSellPrice)} and sells at ${perKWh(market.gridBuyPrice)}: inside the community you do at least as well.</p>
          <ul class="plain" data-test="my-orders">
            ${(mine.data ?? []).map((o) => html`<${OrderRow} key=${`${o.id}-${o.revision}-${o.status}`} token=${token} order=${o} onChanged=${changed} />`)}
          </ul>
          <form class="inline" onSubmit=${place} aria-label="Place an order">
            <${Select} label="Side" name="o-side" value=${form.side} options=${['sell', 'buy']} onChange=${(v: string) => setForm({ ...form, side: v })} />
            <${Field} label="Energy (Wh)" name="o-energy" type="number" value=${form.energyWh} onInput=${(v: string) => setForm({ ...form, energyWh: v })} />
            <${Field}
              label="Limit (µ/kWh, optional)"
              name="o-limit"
              type="number"
              value=${form.limitPrice}
              onInput=${(v: string) => setForm({ ...form, limitPrice: v })}
              hint="empty: the grid tariff (S to sell, B to buy)"
            />
            <button type="submit" disabled=${busy}>Place order</button>
          </form>
          <${ErrorLine} error=${error} />
          ${book.data ? html`<${Depth} book=${book.data} />` : null}
        </section>`
      : html`<p class="muted">No market is open right now.</p>`}
    ${last.data ? html`<section class="card"><h3>Last cleared market ${last.data.marketId}</h3><${ResultView} result=${last.data} showAllocations=${false} /></section>` : null}
  </div>`;
}

const TABS = ['Trade', 'Account', 'Auctions'];

export function HouseholdView({ session }: { session: Session }) {
  const tick = useLedgerTick(session.token);
  const [tab, setTab] = useState('Trade');
  return html`<${Tick.Provider} value=${tick}>
    <${Tabs} label=${`Household ${session.participantId}`} tabs=${TABS} current=${tab} onSelect=${setTab}>
      ${tab === 'Trade' ? html`<${Trade} session=${session} />` : null}
      ${tab === 'Account'
        ? html`<${AccountPanel} token=${session.token} path=${`/v1/participants/${session.participantId}/account`} title=${`Account of ${session.participantId}`} />`
        : null}
      ${tab === 'Auctions' ? html`<${AuctionsPanel} session=${session} />` : null}
    </${Tabs}>
  </${Tick.Provider}>`;
}

/** Auctions (mechanisms.md §5): the NA creates, closes and cancels; households bid. */
import { useState } from 'preact/hooks';
import { api, type Session } from '../api';
import { ErrorLine, Field, useAction } from '../components';
import { kWh, perKWh, when } from '../format';
import { html } from '../html';
import { useLoad } from '../live';

interface Auction {
  id: string;
  owner: string;
  lotWh: number;
  reservePrice: number;
  increment: number;
  startAt: string;
  endAt: string;
  deliveryStart: string;
  status: string;
  level: number | null;
  bidCount?: number;
  leader?: string;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function BidForm({ token, auction, onDone }: { token: string; auction: Auction; onDone: () => void }) {
  const [maxPrice, setMaxPrice] = useState(String((auction.level ?? auction.reservePrice) + auction.increment));
  const [error, busy, run] = useAction();
  const bid = (e: Event) => {
    e.preventDefault();
    void run(async () => (await api(token, 'POST', `/v1/auctions/${auction.id}/bids`, { maxPrice: Number(maxPrice) }), onDone()));
  };
  return html`<form class="inline" onSubmit=${bid} aria-label=${`Bid in auction ${auction.id}`}>
    <${Field} label="Your maximum (µ/kWh)" name=${`bid-${auction.id}`} type="number" value=${maxPrice} onInput=${setMaxPrice} />
    <button type="submit" disabled=${busy}>Bid</button>
    <${ErrorLine} error=${error} />
  </form>`;
}

export function AuctionsPanel({ session }: { session: Session }) {
  const token = session.token;
  const list = useLoad(() => api<{ items: Auction[] }>(token, 'GET', '/v1/auctions?pageSize=100').then((r) => r.items), [token]);
  const [error, busy, run] = useAction();
  const now = Date.now();
  const [form, setForm] = useState({ owner: 'grid', lotWh: '5000', reservePrice: '50000', increment: '1000', startAt: iso(now), endAt: iso(now + 3_600_000), deliveryStart: iso(Math.ceil((now + 7_200_000) / 3_600_000) * 3_600_000) });
  const set = (k: keyof typeof form) => (v: string) => setForm({ ...form, [k]: v });
  const create = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      await api(token, 'POST', '/v1/auctions', { ...form, lotWh: Number(form.lotWh), reservePrice: Number(form.reservePrice), increment: Number(form.increment) });
      list.reload();
    });
  };
  const act = (id: string, action: string) => run(async () => (await api(token, 'POST', `/v1/auctions/${id}/${action}`), list.reload()));
  const na = session.role === 'na';
  return html`<div>
    ${na
      ? html`<form class="inline" onSubmit=${create} aria-label="Create an auction">
          <${Field} label="Owner" name="au-owner" value=${form.owner} onInput=${set('owner')} />
          <${Field} label="Lot (Wh)" name="au-lot" type="number" value=${form.lotWh} onInput=${set('lotWh')} />
          <${Field} label="Reserve (µ/kWh)" name="au-reserve" type="number" value=${form.reservePrice} onInput=${set('reservePrice')} />
          <${Field} label="Increment (µ/kWh)" name="au-inc" type="number" value=${form.increment} onInput=${set('increment')} />
          <${Field} label="Starts (UTC)" name="au-start" value=${form.startAt} onInput=${set('startAt')} />
          <${Field} label="Ends (UTC)" name="au-end" value=${form.endAt} onInput=${set('endAt')} />
          <${Field} label="Delivery (UTC)" name="au-delivery" value=${form.deliveryStart} onInput=${set('deliveryStart')} />
          <button type="submit" disabled=${busy}>Create auction</button>
        </form>`
      : null}
    <${ErrorLine} error=${error ?? list.error} />
    ${(list.data ?? []).length === 0 ? html`<p class="muted">No auctions.</p>` : null}
    <ul class="plain">
      ${(list.data ?? []).map(
        (a) => html`<li class="card" data-auction=${a.id}>
          <h3>${a.id} <small class="muted">${a.status}</small></h3>
          <p>
            ${kWh(a.lotWh)} from ${a.owner} for delivery ${when(a.deliveryStart)}; reserve ${perKWh(a.reservePrice)}, steps of ${perKWh(a.increment)}; bidding
            ${when(a.startAt)} – ${when(a.endAt)}. Level: ${perKWh(a.level)} (${a.bidCount ?? 0} bids)${a.leader ? `, leader ${a.leader}` : ''}.
          </p>
          ${na && a.status === 'open'
            ? html`<p>
                <button disabled=${busy} onClick=${() => act(a.id, 'close')}>Close ${a.id}</button>
                <button class="secondary" disabled=${busy} onClick=${() => act(a.id, 'cancel')}>Cancel ${a.id}</button>
              </p>`
            : null}
          ${!na && a.status === 'open' && a.owner !== session.participantId ? html`<${BidForm} token=${token} auction=${a} onDone=${list.reload} />` : null}
        </li>`,
      )}
    </ul>
  </div>`;
}

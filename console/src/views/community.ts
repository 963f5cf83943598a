/**
 * The public community view: every home as a cell coloured by its position in the
 * current market, the market's prices and P2P volume; live from
 * GET /v1/community/events (EventSource reconnects by itself).
 */
import { useEffect, useState } from 'preact/hooks';
import { html } from '../html';
import { kWh, perKWh, when } from '../format';

interface Figures {
  marketId: string;
  internalPrice: number | null;
  sellPrice: number | null;
  buyPrice: number | null;
  internalWh: number;
  gridImportWh: number;
  gridExportWh: number;
}

interface Snapshot {
  market: { id: string; status: string; deliveryStart: string; durationMinutes: number; mechanism: string; gridBuyPrice: number; gridSellPrice: number } | null;
  positions: string;
  counts: { selling: number; buying: number; idle: number };
  book: { sellWh: number; buyWh: number; sellOrders: number; buyOrders: number } | null;
  result: Figures | null;
  lastResult: Figures | null;
}

const NAME: Record<string, string> = { s: 'selling', b: 'buying', '-': 'idle' };

function FiguresList({ f, title }: { f: Figures; title: string }) {
  return html`<div class="card">
    <h3>${title} <small class="muted">${f.marketId}</small></h3>
    <dl class="figures">
      <dt>Community price (sell)</dt><dd>${perKWh(f.sellPrice)}</dd>
      <dt>Buyers pay</dt><dd>${perKWh(f.buyPrice)}</dd>
      <dt>P2P volume</dt><dd data-test="p2p">${kWh(f.internalWh)}</dd>
      <dt>From the grid</dt><dd>${kWh(f.gridImportWh)}</dd>
      <dt>To the grid</dt><dd>${kWh(f.gridExportWh)}</dd>
    </dl>
  </div>`;
}

export function CommunityView() {
  const [snap, setSnap] = useState<Snapshot | undefined>();
  const [live, setLive] = useState(false);
  useEffect(() => {
    const source = new EventSource('/v1/community/events');
    source.addEventListener('snapshot', (e) => {
      setSnap(JSON.parse((e as MessageEvent<string>).data) as Snapshot);
      setLive(true);
    });
    source.onerror = () => setLive(false);
    return () => source.close();
  }, []);

  if (!snap) return html`<p aria-busy="true">Connecting to the community feed…</p>`;
  const m = snap.market;
  const homes = [...snap.positions];
  return html`<div class="community">
    <header class="row">
      <h2>The community, ${m ? `delivery ${when(m.deliveryStart)}` : 'no market yet'}</h2>
      <span class=${live ? 'badge live' : 'badge'} role="status">${live ? 'live' : 'reconnecting…'}</span>
    </header>
    <div class="legend" aria-hidden="true">
      <span><i class="cell s"></i> selling ${snap.counts.selling}</span>
      <span><i class="cell b"></i> buying ${snap.counts.buying}</span>
      <span><i class="cell i"></i> idle ${snap.counts.idle}</span>
    </div>
    <div
      class="homes"
      role="img"
      aria-label=${`${homes.length} homes: ${snap.counts.selling} selling, ${snap.counts.buying} buying, ${snap.counts.idle} idle`}
      data-test="homes"
    >
      ${homes.map((p, i) => html`<span class=${`cell ${p === '-' ? 'i' : p}`} data-home=${i} data-position=${NAME[p]} title=${`home ${i + 1}: ${NAME[p]}`}></span>`)}
    </div>
    <div class="cards">
      ${m
        ? html`<div class="card">
            <h3>Market <small class="muted">${m.id}</small></h3>
            <dl class="figures">
              <dt>Status</dt><dd data-test="market-status">${m.status}</dd>
              <dt>Mechanism</dt><dd>${m.mechanism}</dd>
              <dt>Grid buy price (B)</dt><dd>${perKWh(m.gridBuyPrice)}</dd>
              <dt>Grid sell price (S)</dt><dd>${perKWh(m.gridSellPrice)}</dd>
              ${snap.book
                ? html`<dt>Offered</dt><dd>${kWh(snap.book.sellWh)} in ${snap.book.sellOrders} orders</dd>
                    <dt>Wanted</dt><dd>${kWh(snap.book.buyWh)} in ${snap.book.buyOrders} orders</dd>`
                : null}
            </dl>
          </div>`
        : null}
      ${snap.result ? html`<${FiguresList} f=${snap.result} title="This hour's result" />` : null}
      ${!snap.result && snap.lastResult ? html`<${FiguresList} f=${snap.lastResult} title="Last hour's result" />` : null}
    </div>
    <p class="muted small">Public view: only each home's position and the market's totals are shown, never who a home is or what it offered.</p>
  </div>`;
}

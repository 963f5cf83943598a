/** The network administrator: participants, markets (with depth and results), schedules, the grid account, auctions. */
import { useState } from 'preact/hooks';
import { api, all, type Session } from '../api';
import { ErrorLine, Field, Select, Tabs, useAction } from '../components';
import { when } from '../format';
import { html } from '../html';
import { Tick, useLedgerTick, useLoad } from '../live';
import { AccountPanel } from './account';
import { AuctionsPanel } from './auctions';
import { MarketDetail, type Market } from './market';

interface Participant {
  id: string;
  name: string;
  kind: string;
  status: string;
  lot?: number;
}

function Participants({ token }: { token: string }) {
  const list = useLoad(() => all<Participant>(token, '/v1/participants'), [token]);
  const [error, busy, run] = useAction();
  const [issued, setIssued] = useState<{ id: string; token: string } | undefined>();
  const [form, setForm] = useState({ id: '', name: '', kind: 'prosumer' });
  const act = (id: string, action: string) =>
    run(async () => {
      const r = await api<{ participant: Participant; token?: string }>(token, 'POST', `/v1/participants/${id}/${action}`);
      if (r.token) setIssued({ id, token: r.token });
      list.reload();
    });
  const register = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      const r = await api<{ token: string }>(token, 'POST', '/v1/participants', { id: form.id, name: form.name, kind: form.kind });
      setIssued({ id: form.id, token: r.token });
      setForm({ id: '', name: '', kind: form.kind });
      list.reload();
    });
  };
  const items = list.data ?? [];
  const pending = items.filter((p) => p.status === 'pending');
  return html`<div>
    <${ErrorLine} error=${error ?? list.error} />
    ${issued
      ? html`<p class="notice" role="status">Token for <b>${issued.id}</b> (shown once; hand it to the household): <code data-test="issued-token">${issued.token}</code></p>`
      : null}
    <h3>Applications waiting (${pending.length})</h3>
    ${pending.length === 0 ? html`<p class="muted">None.</p>` : null}
    <ul class="plain">
      ${pending.map(
        (p) => html`<li class="row">
          <span><b>${p.id}</b> ${p.name} (${p.kind})</span>
          <span>
            <button disabled=${busy} onClick=${() => act(p.id, 'approve')}>Approve ${p.id}</button>
            <button class="secondary" disabled=${busy} onClick=${() => act(p.id, 'reject')}>Reject ${p.id}</button>
          </span>
        </li>`,
      )}
    </ul>
    <form class="inline" onSubmit=${register} aria-label="Register a participant">
      <${Field} label="Id" name="p-id" value=${form.id} onInput=${(v: string) => setForm({ ...form, id: v })} />
      <${Field} label="Name" name="p-name" value=${form.name} onInput=${(v: string) => setForm({ ...form, name: v })} />
      <${Select} label="Kind" name="p-kind" value=${form.kind} options=${['prosumer', 'consumer', 'storage', 'res-owner']} onChange=${(v: string) => setForm({ ...form, kind: v })} />
      <button type="submit" disabled=${busy}>Register</button>
    </form>
    <h3>Register (${items.length})</h3>
    <div class="scroll">
      <table>
        <thead><tr><th scope="col">Id</th><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Status</th><th scope="col"><span class="sr">Actions</span></th></tr></thead>
        <tbody>
          ${items.map(
            (p) => html`<tr>
              <td>${p.id}</td><td>${p.name}</td><td>${p.kind}</td><td>${p.status}</td>
              <td>
                ${p.status === 'approved' ? html`<button class="secondary" disabled=${busy} onClick=${() => act(p.id, 'suspend')}>Suspend ${p.id}</button>` : null}
                ${p.status === 'suspended' ? html`<button disabled=${busy} onClick=${() => act(p.id, 'reinstate')}>Reinstate ${p.id}</button>` : null}
              </td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>
  </div>`;
}

const nextHour = (): string => {
  const d = new Date(Date.now() + 3_600_000);
  d.setUTCMinutes(0, 0, 0);
  return d.toISOString().replace('.000Z', 'Z');
};

function Markets({ token }: { token: string }) {
  const list = useLoad(() => api<{ items: Market[] }>(token, 'GET', '/v1/markets?pageSize=50').then((r) => r.items), [token]);
  const [selected, setSelected] = useState<string | undefined>();
  const [error, busy, run] = useAction();
  const [form, setForm] = useState({ id: '', deliveryStart: nextHour(), durationMinutes: '60', gridBuyPrice: '130000', gridSellPrice: '40000', mechanism: 'sdr' });
  const create = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      const m = await api<Market>(token, 'POST', '/v1/markets', {
        ...(form.id ? { id: form.id } : {}),
        deliveryStart: form.deliveryStart,
        durationMinutes: Number(form.durationMinutes),
        gridBuyPrice: Number(form.gridBuyPrice),
        gridSellPrice: Number(form.gridSellPrice),
        mechanism: form.mechanism,
      });
      setSelected(m.id);
      list.reload();
    });
  };
  const act = (id: string, action: string) =>
    run(async () => {
      await api(token, 'POST', `/v1/markets/${id}/${action}`);
      setSelected(id);
      list.reload();
    });
  const set = (k: keyof typeof form) => (v: string) => setForm({ ...form, [k]: v });
  const markets = list.data ?? [];
  const chosen = markets.find((m) => m.id === selected) ?? markets[0];
  return html`<div>
    <form class="inline" onSubmit=${create} aria-label="Create a market">
      <${Field} label="Id (optional)" name="m-id" value=${form.id} onInput=${set('id')} />
      <${Field} label="Delivery start (UTC)" name="m-start" value=${form.deliveryStart} onInput=${set('deliveryStart')} />
      <${Field} label="Minutes" name="m-duration" type="number" value=${form.durationMinutes} onInput=${set('durationMinutes')} />
      <${Field} label="Grid buy price B (µ/kWh)" name="m-b" type="number" value=${form.gridBuyPrice} onInput=${set('gridBuyPrice')} />
      <${Field} label="Grid sell price S (µ/kWh)" name="m-s" type="number" value=${form.gridSellPrice} onInput=${set('gridSellPrice')} />
      <${Select} label="Mechanism" name="m-mech" value=${form.mechanism} options=${['sdr', 'mmr', 'uniform', 'pay-as-bid']} onChange=${set('mechanism')} />
      <button type="submit" disabled=${busy}>Create market</button>
    </form>
    <${ErrorLine} error=${error ?? list.error} />
    <div class="scroll">
      <table data-test="markets">
        <thead><tr><th scope="col">Market</th><th scope="col">Delivery</th><th scope="col">Mechanism</th><th scope="col">Status</th><th scope="col"><span class="sr">Actions</span></th></tr></thead>
        <tbody>
          ${markets.map(
            (m) => html`<tr class=${chosen?.id === m.id ? 'chosen' : ''} data-market=${m.id}>
              <td><button class="link" onClick=${() => setSelected(m.id)} aria-pressed=${chosen?.id === m.id ? 'true' : 'false'}>${m.id}</button></td>
              <td>${when(m.deliveryStart)}</td><td>${m.mechanism}</td><td data-test="status">${m.status}</td>
              <td class="actions">
                ${m.status === 'scheduled' ? html`<button disabled=${busy} onClick=${() => act(m.id, 'open')}>Open</button>` : null}
                ${m.status === 'open' ? html`<button disabled=${busy} onClick=${() => act(m.id, 'gate-close')}>Gate-close</button>` : null}
                ${m.status === 'closed' ? html`<button disabled=${busy} onClick=${() => act(m.id, 'clear')}>Clear</button>` : null}
                ${m.status === 'scheduled' || m.status === 'open' ? html`<button class="secondary" disabled=${busy} onClick=${() => act(m.id, 'cancel')}>Cancel</button>` : null}
              </td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>
    ${chosen ? html`<${MarketDetail} token=${token} market=${chosen} showOrders=${true} />` : html`<p class="muted">No market yet.</p>`}
  </div>`;
}

interface Schedule {
  id: string;
  status: string;
  firstDeliveryStart: string;
  intervalMinutes: number;
  count: number;
  mechanism: string;
}

function Schedules({ token }: { token: string }) {
  const list = useLoad(() => all<Schedule>(token, '/v1/schedules'), [token]);
  const [error, busy, run] = useAction();
  const [form, setForm] = useState({ id: '', firstDeliveryStart: nextHour(), count: '24', gridBuyPrice: '130000', gridSellPrice: '40000' });
  const set = (k: keyof typeof form) => (v: string) => setForm({ ...form, [k]: v });
  const create = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      await api(token, 'POST', '/v1/schedules', {
        id: form.id,
        firstDeliveryStart: form.firstDeliveryStart,
        count: Number(form.count),
        tariff: { gridBuyPrice: Number(form.gridBuyPrice), gridSellPrice: Number(form.gridSellPrice) },
      });
      list.reload();
    });
  };
  const stop = (id: string) => run(async () => (await api(token, 'POST', `/v1/schedules/${id}/stop`), list.reload()));
  return html`<div>
    <form class="inline" onSubmit=${create} aria-label="Create a schedule">
      <${Field} label="Schedule id" name="s-id" value=${form.id} onInput=${set('id')} />
      <${Field} label="First delivery (UTC)" name="s-first" value=${form.firstDeliveryStart} onInput=${set('firstDeliveryStart')} />
      <${Field} label="Hours" name="s-count" type="number" value=${form.count} onInput=${set('count')} />
      <${Field} label="B (µ/kWh)" name="s-b" type="number" value=${form.gridBuyPrice} onInput=${set('gridBuyPrice')} />
      <${Field} label="S (µ/kWh)" name="s-s" type="number" value=${form.gridSellPrice} onInput=${set('gridSellPrice')} />
      <button type="submit" disabled=${busy}>Create schedule</button>
    </form>
    <${ErrorLine} error=${error ?? list.error} />
    <table>
      <thead><tr><th scope="col">Schedule</th><th scope="col">First delivery</th><th scope="col">Intervals</th><th scope="col">Status</th><th scope="col"><span class="sr">Actions</span></th></tr></thead>
      <tbody>
        ${(list.data ?? []).map(
          (s) => html`<tr>
            <td>${s.id}</td><td>${when(s.firstDeliveryStart)}</td><td>${s.count} × ${s.intervalMinutes} min</td><td>${s.status}</td>
            <td>${s.status === 'active' ? html`<button class="secondary" disabled=${busy} onClick=${() => stop(s.id)}>Stop ${s.id}</button>` : null}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

const TABS = ['Participants', 'Markets', 'Schedules', 'Grid account', 'Auctions'];

export function NaView({ session }: { session: Session }) {
  const tick = useLedgerTick(session.token);
  const [tab, setTab] = useState('Markets');
  const t = session.token;
  return html`<${Tick.Provider} value=${tick}>
    <${Tabs} label="Administrator" tabs=${TABS} current=${tab} onSelect=${setTab}>
      ${tab === 'Participants' ? html`<${Participants} token=${t} />` : null}
      ${tab === 'Markets' ? html`<${Markets} token=${t} />` : null}
      ${tab === 'Schedules' ? html`<${Schedules} token=${t} />` : null}
      ${tab === 'Grid account' ? html`<${AccountPanel} token=${t} path="/v1/accounts/grid" title="Grid account" />` : null}
      ${tab === 'Auctions' ? html`<${AuctionsPanel} session=${session} />` : null}
    </${Tabs}>
  </${Tick.Provider}>`;
}

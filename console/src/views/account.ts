/** An account (a household's or the grid's): balance, the balance chart and the settlement entries. */
import { api } from '../api';
import { BalanceChart, ErrorLine } from '../components';
import { kWh, perKWh, qar, when } from '../format';
import { html } from '../html';
import { useLoad } from '../live';

interface Entry {
  kind: string;
  marketId?: string;
  auctionId?: string;
  internalWh: number;
  gridWh: number;
  price: number | null;
  amount: number;
  at: string;
}
interface Account {
  participantId: string;
  balance: number;
  entries: Entry[];
}

export function AccountPanel({ token, path, title }: { token: string; path: string; title: string }) {
  const account = useLoad(() => api<Account>(token, 'GET', path), [token, path]);
  const a = account.data;
  const entries = a ? [...a.entries].sort((x, y) => x.at.localeCompare(y.at)) : [];
  let running = 0;
  const points = entries.map((e) => ({ at: e.at, balance: (running += e.amount) }));
  return html`<section aria-labelledby="account-title">
    <h3 id="account-title">${title}</h3>
    <${ErrorLine} error=${account.error} />
    ${a
      ? html`<p class="balance">Balance <b data-test="balance">${qar(a.balance)}</b></p>
          <${BalanceChart} points=${points} />
          <div class="scroll">
            <table data-test="entries">
              <caption>Settlement entries (${entries.length})</caption>
              <thead><tr><th scope="col">When</th><th scope="col">Kind</th><th scope="col">Market / auction</th><th scope="col">P2P</th><th scope="col">Grid</th><th scope="col">Price</th><th scope="col">Amount</th></tr></thead>
              <tbody>
                ${[...entries].reverse().map(
                  (e) => html`<tr>
                    <td>${when(e.at)}</td><td>${e.kind}</td><td>${e.marketId ?? e.auctionId ?? ''}</td><td>${kWh(e.internalWh)}</td><td>${kWh(e.gridWh)}</td>
                    <td>${perKWh(e.price)}</td><td>${qar(e.amount)}</td>
                  </tr>`,
                )}
              </tbody>
            </table>
          </div>`
      : null}
  </section>`;
}

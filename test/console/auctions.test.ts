/**
 * Auctions in the browser (mechanisms.md §5, issue 16): the NA creates one, a
 * household bids, the NA sees the level and the leader, a close before the end is
 * refused with the ledger's detail, and the NA cancels it.
 */
import type { Browser, Page } from 'playwright-core';
import { ADMIN, call, registerHousehold } from '../gateway/support/gateway';
import { launchChromium, openPage, serveGateway, signIn, type Served } from './support/browser';

jest.setTimeout(120_000);

let served: Served;
let browser: Browser;
let na: Page;
let household: Page;
let token: string;
const errors: string[] = [];

beforeAll(async () => {
  served = await serveGateway();
  token = await registerHousehold(served.app, 'h-bidder');
  browser = await launchChromium();
  const a = await openPage(browser);
  const b = await openPage(browser, { width: 390, height: 844 });
  na = a.page;
  household = b.page;
  for (const e of [a.errors, b.errors]) errors.push(...e);
});

afterAll(async () => {
  await browser?.close();
  await served?.close();
});

const only = async () => {
  const r = await call(served.app, 'GET', '/v1/auctions', ADMIN);
  expect(r.body.items).toHaveLength(1);
  return r.body.items[0];
};

test('create, bid, a refused close, cancel', async () => {
  await signIn(na, served.url, 'na', ADMIN);
  await na.getByRole('tab', { name: 'Auctions' }).click();
  await na.getByLabel('Reserve (µ/kWh)').fill('50000');
  await na.getByLabel('Increment (µ/kWh)').fill('1000');
  await na.getByRole('button', { name: 'Create auction' }).click();
  const card = na.locator('li[data-auction]');
  await card.waitFor();
  const created = await only();
  expect(created).toEqual(expect.objectContaining({ owner: 'grid', lotWh: 5000, reservePrice: 50000, increment: 1000, status: 'open', level: null }));

  await signIn(household, served.url, 'household', token, 'h-bidder');
  await household.getByRole('tab', { name: 'Auctions' }).click();
  await household.getByLabel('Your maximum (µ/kWh)').fill('70000');
  await household.getByRole('button', { name: 'Bid', exact: true }).click();
  await household.getByText('(1 bids)').waitFor();
  const bids = await call(served.app, 'GET', `/v1/auctions/${created.id}/bids`, token);
  expect(bids.body.items).toEqual([expect.objectContaining({ bidderId: 'h-bidder', maxPrice: 70000 })]);

  // The NA's page follows the ledger's events: the bid shows up with its leader.
  await card.getByText('leader h-bidder').waitFor();
  await card.getByText('0.0500 QAR/kWh (1 bids)').waitFor();
  expect((await only()).level).toBe(50000);

  await na.getByRole('button', { name: `Close ${created.id}` }).click();
  const alert = na.getByRole('alert');
  await alert.waitFor();
  const direct = await call(served.app, 'POST', `/v1/auctions/${created.id}/close`, ADMIN);
  expect(direct.body.code).toBe('AUCTION_NOT_ENDED');
  // The detail ends with the ledger's time of each refusal ("; it is <now>"): the rest is the same.
  const untimed = (d: string | null) => String(d).replace(/; it is \S+$/, '');
  expect(untimed(direct.body.detail)).toBe(`auction ${created.id} ends at ${created.endAt}`);
  expect(untimed(await alert.textContent())).toBe(untimed(direct.body.detail));

  await na.getByRole('button', { name: `Cancel ${created.id}` }).click();
  await card.getByText('cancelled').waitFor();
  expect((await only()).status).toBe('cancelled');
  expect(errors).toEqual([]);
});

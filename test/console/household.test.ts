/**
 * A household in the browser (issue 16): it signs in with the keyboard alone, places
 * an order in the open market, amends it and cancels it; the ledger (read over REST)
 * holds exactly what the page shows. A refusal shows the problem's `detail`.
 */
import type { Browser, Page } from 'playwright-core';
import { ADMIN, call, openMarket, registerHousehold } from '../gateway/support/gateway';
import { launchChromium, openPage, serveGateway, signIn, type InPage, type Served } from './support/browser';

jest.setTimeout(120_000);

let served: Served;
let browser: Browser;
let page: Page;
let errors: string[];
let token: string;

beforeAll(async () => {
  served = await serveGateway();
  token = await registerHousehold(served.app, 'h-one');
  await openMarket(served.app, 'm-house');
  browser = await launchChromium();
  ({ page, errors } = await openPage(browser));
});

afterAll(async () => {
  await browser?.close();
  await served?.close();
});

const myOrders = async () => (await call(served.app, 'GET', '/v1/markets/m-house/orders', token)).body.items;

test('signs in and switches tabs with the keyboard only', async () => {
  await page.goto(`${served.url}/console/#/household`);
  await page.evaluate(() => (globalThis as unknown as InPage).sessionStorage.clear());
  await page.reload();
  // Tab order: the skip link, the three view links, then the form's fields and its button.
  const focused = () => page.evaluate(() => (globalThis as unknown as InPage).document.activeElement?.id ?? '');
  for (let i = 0; i < 6 && (await focused()) !== 'f-participantId'; i++) await page.keyboard.press('Tab');
  expect(await focused()).toBe('f-participantId');
  await page.keyboard.type('h-one');
  await page.keyboard.press('Tab');
  await page.keyboard.type(token);
  await page.keyboard.press('Enter');
  const trade = page.getByRole('tab', { name: 'Trade' });
  await trade.waitFor();
  await expect(trade.getAttribute('aria-selected')).resolves.toBe('true');

  await trade.focus();
  await page.keyboard.press('ArrowRight');
  const account = page.getByRole('tab', { name: 'Account' });
  await expect(account.getAttribute('aria-selected')).resolves.toBe('true');
  expect(await focused()).toBe('tab-Account');
  await page.getByRole('heading', { name: 'Account of h-one' }).waitFor();
  await page.keyboard.press('ArrowLeft');
  await expect(trade.getAttribute('aria-selected')).resolves.toBe('true');
});

test('places an order, amends it and cancels it', async () => {
  await signIn(page, served.url, 'household', token, 'h-one');
  await page.getByRole('heading', { name: /Open market m-house/ }).waitFor();
  await page.getByLabel('Side').selectOption('sell');
  await page.getByLabel('Energy (Wh)', { exact: true }).fill('1500');
  await page.getByLabel('Limit (µ/kWh, optional)').fill('60000');
  await page.getByRole('button', { name: 'Place order' }).click();

  const card = page.locator('[data-test=my-orders] li');
  await card.locator('[data-test=order-energy]').filter({ hasText: '1.5 kWh' }).waitFor();
  const [placed] = await myOrders();
  expect(placed).toEqual(expect.objectContaining({ side: 'sell', energyWh: 1500, limitPrice: 60000, status: 'open', revision: 1 }));

  await card.getByLabel('Energy (Wh)').fill('2500');
  await card.getByLabel('Limit (µ/kWh)').fill('55000');
  await card.getByRole('button', { name: 'Amend' }).click();
  await page.locator('[data-test=order-revision]').filter({ hasText: '2' }).waitFor();
  await expect(page.locator('[data-test=order-energy]').textContent()).resolves.toBe('2.5 kWh');
  const [amended] = await myOrders();
  expect(amended).toEqual(expect.objectContaining({ id: placed.id, energyWh: 2500, limitPrice: 55000, status: 'open', revision: 2 }));
  // The outlook is the live book: the amended order is its only sell level.
  await page.locator('[data-test=depth] caption').filter({ hasText: '2.5 kWh offered in 1 orders' }).waitFor();

  await page.getByRole('button', { name: 'Cancel order' }).click();
  await page.locator('[data-test=order-status]').filter({ hasText: 'cancelled' }).waitFor();
  expect((await myOrders())[0]).toEqual(expect.objectContaining({ id: placed.id, status: 'cancelled' }));
  expect(errors).toEqual([]);
});

test('an order the ledger refuses shows the problem detail and places nothing', async () => {
  await signIn(page, served.url, 'household', token, 'h-one');
  const before = (await myOrders()).length;
  // Above B: outside [S, B], refused by the chaincode.
  await page.getByLabel('Side').selectOption('buy');
  await page.getByLabel('Energy (Wh)', { exact: true }).fill('1000');
  await page.getByLabel('Limit (µ/kWh, optional)').fill('999999');
  await page.getByRole('button', { name: 'Place order' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  const direct = await call(served.app, 'POST', '/v1/markets/m-house/orders', token, { side: 'buy', energyWh: 1000, limitPrice: 999999 });
  expect(direct.status).toBe(422);
  await expect(alert.textContent()).resolves.toBe(direct.body.detail);
  expect((await myOrders()).length).toBe(before);
  expect((await call(served.app, 'GET', '/v1/markets/m-house/orders', ADMIN)).body.items.length).toBe(before);
});

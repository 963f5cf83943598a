/**
 * The NA's market cycle in the browser (issue 16): create a market, open it,
 * gate-close it, clear it and read the result (prices and the allocation), every
 * step through the console's buttons; the ledger (read over REST) agrees with
 * what the page shows. Refusals show the problem's `detail`.
 */
import type { Browser, Page } from 'playwright-core';
import { ADMIN, call, nextDeliveryStart, registerHousehold } from '../gateway/support/gateway';
import { launchChromium, openPage, serveGateway, signIn, type Served } from './support/browser';

jest.setTimeout(120_000);

let served: Served;
let browser: Browser;
let page: Page;
let errors: string[];

beforeAll(async () => {
  served = await serveGateway();
  browser = await launchChromium();
  ({ page, errors } = await openPage(browser));
});

afterAll(async () => {
  await browser?.close();
  await served?.close();
});

const rowOf = (id: string) => page.locator(`tr[data-market="${id}"]`);

async function step(id: string, button: string, status: string): Promise<void> {
  await rowOf(id).getByRole('button', { name: button, exact: true }).click();
  await rowOf(id).locator('[data-test=status]').filter({ hasText: status }).waitFor();
  expect((await call(served.app, 'GET', `/v1/markets/${id}`, ADMIN)).body.status).toBe(status);
}

test('a wrong NA token is refused with the gateway\'s detail', async () => {
  await page.goto(`${served.url}/console/#/na`);
  await page.getByLabel('NA token').fill('not-the-token-0123456789');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const direct = await call(served.app, 'GET', '/v1/participants?pageSize=1', 'not-the-token-0123456789');
  expect(direct.status).toBe(401);
  await expect(page.getByRole('alert').textContent()).resolves.toBe(direct.body.detail);
  expect(await page.getByRole('tablist').count()).toBe(0);
});

test('create, open, gate-close and clear a market; the result shows its prices and allocation', async () => {
  const seller = await registerHousehold(served.app, 'h-sell');
  const buyer = await registerHousehold(served.app, 'h-buy');
  await signIn(page, served.url, 'na', ADMIN);

  const deliveryStart = nextDeliveryStart();
  await page.getByLabel('Id (optional)').fill('m-cycle');
  await page.getByLabel('Delivery start (UTC)').fill(deliveryStart);
  await page.getByRole('button', { name: 'Create market' }).click();
  await rowOf('m-cycle').locator('[data-test=status]').filter({ hasText: 'scheduled' }).waitFor();
  const created = await call(served.app, 'GET', '/v1/markets/m-cycle', ADMIN);
  expect(created.body).toEqual(expect.objectContaining({ status: 'scheduled', gridBuyPrice: 130000, gridSellPrice: 40000, mechanism: 'sdr' }));
  expect(Date.parse(created.body.deliveryStart)).toBe(Date.parse(deliveryStart));

  await step('m-cycle', 'Open', 'open');
  // Two households trade over REST; the NA's depth shows both sides live (from /v1/events).
  expect((await call(served.app, 'POST', '/v1/markets/m-cycle/orders', seller, { side: 'sell', energyWh: 1000 })).status).toBe(201);
  expect((await call(served.app, 'POST', '/v1/markets/m-cycle/orders', buyer, { side: 'buy', energyWh: 2000 })).status).toBe(201);
  const depth = page.locator('[data-test=depth] caption');
  await depth.filter({ hasText: '1 kWh offered in 1 orders, 2 kWh wanted in 1' }).waitFor();

  await step('m-cycle', 'Gate-close', 'closed');
  await step('m-cycle', 'Clear', 'settled');

  const result = (await call(served.app, 'GET', '/v1/markets/m-cycle/result', ADMIN)).body;
  const shown = page.locator('[data-test=result]');
  await shown.waitFor();
  const price = (µ: number) => `${(µ / 1e6).toFixed(4)} QAR/kWh`;
  await expect(shown.locator('[data-test=sell-price]').textContent()).resolves.toBe(price(result.sellPrice));
  await expect(shown.locator('[data-test=buy-price]').textContent()).resolves.toBe(price(result.buyPrice));
  expect(result.internalWh).toBe(1000);
  await expect(shown.locator('[data-test=internal]').textContent()).resolves.toBe('1 kWh');
  const rows = shown.locator('[data-test=allocations] tbody tr');
  expect(await rows.count()).toBe(result.allocations.length);
  const text = await rows.allTextContents();
  expect(text.some((t) => t.startsWith('h-sell') && t.includes('accepted'))).toBe(true);
  expect(text.some((t) => t.startsWith('h-buy') && t.includes('accepted'))).toBe(true);
  expect(errors).toEqual([]);
});

test('a market the ledger refuses shows the problem detail, and nothing is created', async () => {
  await signIn(page, served.url, 'na', ADMIN);
  const body = { id: 'm-bad', deliveryStart: nextDeliveryStart(), durationMinutes: 60, gridBuyPrice: 40000, gridSellPrice: 130000, mechanism: 'sdr' };
  await page.getByLabel('Id (optional)').fill(body.id);
  await page.getByLabel('Delivery start (UTC)').fill(body.deliveryStart);
  await page.getByLabel('Grid buy price B (µ/kWh)').fill(String(body.gridBuyPrice));
  await page.getByLabel('Grid sell price S (µ/kWh)').fill(String(body.gridSellPrice));
  await page.getByRole('button', { name: 'Create market' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  // The same request over REST: the page shows exactly its detail.
  const direct = await call(served.app, 'POST', '/v1/markets', ADMIN, body);
  expect(direct.status).toBeGreaterThanOrEqual(400);
  expect(direct.body.detail).toEqual(expect.any(String));
  await expect(alert.textContent()).resolves.toBe(direct.body.detail);
  expect((await call(served.app, 'GET', '/v1/markets/m-bad', ADMIN)).status).toBe(404);
});

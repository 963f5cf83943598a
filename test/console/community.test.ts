/**
 * The public community view (issue 16): no token; each home is a cell coloured by
 * its position in the open market, and an order placed over REST recolours its
 * home on an open page, pushed by GET /v1/community/events, without a reload.
 * The public snapshot names nobody and shows no home's energy or price.
 */
import type { Browser, Page } from 'playwright-core';
import { ADMIN, call, openMarket, registerHousehold } from '../gateway/support/gateway';
import { launchChromium, openPage, serveGateway, type InPage, type Served } from './support/browser';

jest.setTimeout(120_000);

let served: Served;
let browser: Browser;
let page: Page;
let errors: string[];
const tokens: Record<string, string> = {};
const HOMES = ['c01', 'c02', 'c03', 'c04', 'c05'];

beforeAll(async () => {
  served = await serveGateway();
  for (const id of HOMES) tokens[id] = await registerHousehold(served.app, id);
  await openMarket(served.app, 'm-comm');
  browser = await launchChromium();
  ({ page, errors } = await openPage(browser, { width: 390, height: 844 }));
});

afterAll(async () => {
  await browser?.close();
  await served?.close();
});

/** Homes are shown in participant-id order: HOMES is sorted, so c03 is cell 2. */
const cell = (id: string) => page.locator(`[data-home="${HOMES.indexOf(id)}"]`);

test('the snapshot is public and holds positions and totals only', async () => {
  await call(served.app, 'POST', '/v1/markets/m-comm/orders', tokens.c01!, { side: 'sell', energyWh: 1234 });
  const r = await call(served.app, 'GET', '/v1/community');
  expect(r.status).toBe(200);
  expect(r.body).toEqual(
    expect.objectContaining({
      market: expect.objectContaining({ id: 'm-comm', status: 'open' }),
      positions: 's----',
      counts: { selling: 1, buying: 0, idle: 4 },
      book: { sellWh: 1234, buyWh: 0, sellOrders: 1, buyOrders: 0 },
    }),
  );
  const text = JSON.stringify(r.body);
  for (const id of HOMES) expect(text).not.toContain(id);
  expect(text).not.toContain('Household');
});

test('an order placed over REST recolours its home without a reload', async () => {
  await page.goto(`${served.url}/console/`);
  await page.locator('[data-test=homes]').waitFor();
  // Survives only as long as the document does: still set afterwards means no reload.
  await page.evaluate(() => ((globalThis as unknown as InPage).marker = 'same document'));
  await expect(page.locator('[data-test=homes] .cell').count()).resolves.toBe(HOMES.length);
  await expect(cell('c01').getAttribute('data-position')).resolves.toBe('selling');
  await expect(cell('c03').getAttribute('data-position')).resolves.toBe('idle');
  await page.getByRole('status').filter({ hasText: 'live' }).waitFor();

  expect((await call(served.app, 'POST', '/v1/markets/m-comm/orders', tokens.c03!, { side: 'buy', energyWh: 800 })).status).toBe(201);
  await page.locator(`[data-home="${HOMES.indexOf('c03')}"][data-position="buying"]`).waitFor();
  expect(await page.locator('[data-test=homes] .cell.b').count()).toBe(1);

  // Cancelled: the home is idle again.
  const [order] = (await call(served.app, 'GET', '/v1/markets/m-comm/orders', tokens.c03!)).body.items;
  expect((await call(served.app, 'DELETE', `/v1/markets/m-comm/orders/${order.id}`, tokens.c03!)).status).toBe(200);
  await page.locator(`[data-home="${HOMES.indexOf('c03')}"][data-position="idle"]`).waitFor();

  await expect(page.evaluate(() => (globalThis as unknown as InPage).marker)).resolves.toBe('same document');
  expect(errors).toEqual([]);
});

test('after the clearing the view shows the hour\'s prices and P2P volume', async () => {
  await call(served.app, 'POST', '/v1/markets/m-comm/orders', tokens.c02!, { side: 'buy', energyWh: 2000 });
  expect((await call(served.app, 'POST', '/v1/markets/m-comm/close', ADMIN)).status).toBe(200);
  const result = (await call(served.app, 'GET', '/v1/markets/m-comm/result', ADMIN)).body;
  expect(result.internalWh).toBe(1234);
  await page.locator('[data-test=market-status]').filter({ hasText: 'settled' }).waitFor();
  await expect(page.locator('[data-test=p2p]').textContent()).resolves.toBe('1.234 kWh');
  await expect(page.getByText(`${(result.sellPrice / 1e6).toFixed(4)} QAR/kWh`).first().isVisible()).resolves.toBe(true);
});

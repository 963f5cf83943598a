/**
 * Clearing is all or nothing: when settlement cannot complete (here: the grid's
 * balancing amount would leave the exact integer range), the transaction is
 * refused as a whole: the market stays closed, orders stay as placed, no result and
 * no entries, no block. (A crash mid-commit is covered by the gateway's restart test.)
 */
import { community, marketInput } from '../../support/ledger-fixture';

it('when settlement cannot complete, then the clearing is refused and the ledger is exactly as before it', async () => {
  const c = await community();
  // 91 imports of 1e8 Wh at 1e9 µ/kWh: each −1e14 µ, together beyond 2^53.
  await c.submit(c.na, 'markets', 'Create', marketInput('big', { gridBuyPrice: 1_000_000_000, gridSellPrice: 0, maxOrderWh: 100_000_000 }));
  await c.submit(c.na, 'markets', 'Open', 'big');
  const orderIds: string[] = [];
  for (let i = 0; i < 91; i++) {
    const h = await c.household(`h${i}`, 'consumer');
    orderIds.push((await c.submit<{ order: { id: string } }>(h, 'orders', 'Place', 'big', JSON.stringify({ side: 'buy', energyWh: 100_000_000 }))).order.id);
  }
  await c.submit(c.na, 'markets', 'GateClose', 'big');
  const height = c.ledger.blockHeight;
  await expect(c.submit(c.na, 'markets', 'Clear', 'big')).rejects.toMatchObject({ code: 'ARITHMETIC_OVERFLOW' });
  expect(c.ledger.blockHeight).toBe(height);
  expect(await c.evaluate(c.na, 'markets', 'Get', 'big')).toMatchObject({ status: 'closed' });
  await expect(c.evaluate(c.na, 'markets', 'GetResult', 'big')).rejects.toMatchObject({ code: 'RESULT_NOT_AVAILABLE' });
  const page = await c.evaluate<{ items: { status: string }[] }>(c.na, 'orders', 'ListByMarket', 'big', '1000', '');
  expect(page.items.map((o) => o.status)).toEqual(orderIds.map(() => 'open'));
  expect(await c.evaluate(c.na, 'accounts', 'GetGrid', '', '')).toMatchObject({ balance: 0, entries: [] });
  await c.shutdown();
}, 60_000);

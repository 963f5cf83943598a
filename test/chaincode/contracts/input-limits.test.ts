/**
 * Bad input never reaches the ledger: overlapping or far-off markets, arguments of
 * unbounded size, reads of things that do not exist, each refused with a named code
 * and nothing written.
 */
import { community, Community, marketInput } from '../../support/ledger-fixture';

const hour = (iso: string, minutes = 60) => JSON.stringify({ deliveryStart: iso, durationMinutes: minutes, gridBuyPrice: 130000, gridSellPrice: 40000 });

describe('market intervals', () => {
  let c: Community;
  beforeEach(async () => {
    c = await community({ now: () => Date.UTC(2026, 5, 20, 12, 0, 0) });
  });
  afterEach(() => c.shutdown());

  it('when a new market overlaps a live one (inside, across its edge or across midnight), then MARKET_OVERLAP; touching intervals are fine', async () => {
    await c.submit(c.na, 'markets', 'Create', hour('2026-06-21T23:30:00Z'));
    for (const [start, minutes] of [['2026-06-21T23:30:00Z', 60], ['2026-06-21T23:00:00Z', 31], ['2026-06-22T00:29:00Z', 5], ['2026-06-21T00:00:00Z', 1440]] as const) {
      await expect(c.submit(c.na, 'markets', 'Create', JSON.stringify({ ...JSON.parse(hour(start, minutes)), id: `x${minutes}` }))).rejects.toMatchObject({ code: 'MARKET_OVERLAP' });
    }
    await expect(c.submit(c.na, 'markets', 'Create', hour('2026-06-21T22:30:00Z'))).resolves.toMatchObject({ status: 'scheduled' });
    await expect(c.submit(c.na, 'markets', 'Create', hour('2026-06-22T00:30:00Z'))).resolves.toMatchObject({ status: 'scheduled' });
  });

  it('when the overlapping market was cancelled, then its interval is free again', async () => {
    await c.submit(c.na, 'markets', 'Create', JSON.stringify({ ...JSON.parse(hour('2026-06-21T10:00:00Z')), id: 'first' }));
    await expect(c.submit(c.na, 'markets', 'Create', JSON.stringify({ ...JSON.parse(hour('2026-06-21T10:00:00Z')), id: 'second' }))).rejects.toMatchObject({ code: 'MARKET_OVERLAP' });
    await c.submit(c.na, 'markets', 'Cancel', 'first');
    await expect(c.submit(c.na, 'markets', 'Create', JSON.stringify({ ...JSON.parse(hour('2026-06-21T10:00:00Z')), id: 'second' }))).resolves.toMatchObject({ id: 'second' });
  });

  it('when deliveryStart is beyond the horizon (year 9999, or more than ten years back), then OUT_OF_HORIZON', async () => {
    await expect(c.submit(c.na, 'markets', 'Create', hour('9999-01-01T00:00:00Z'))).rejects.toMatchObject({ code: 'OUT_OF_HORIZON' });
    await expect(c.submit(c.na, 'markets', 'Create', hour('2027-06-22T12:00:00Z'))).rejects.toMatchObject({ code: 'OUT_OF_HORIZON' });
    await expect(c.submit(c.na, 'markets', 'Create', hour('2016-01-01T00:00:00Z'))).rejects.toMatchObject({ code: 'OUT_OF_HORIZON' });
    await expect(c.submit(c.na, 'markets', 'Create', hour('2027-06-20T12:00:00Z'))).resolves.toMatchObject({ status: 'scheduled' });
  });

  it('when a date does not exist (2026-02-30), then INVALID_ARGUMENT', async () => {
    await expect(c.submit(c.na, 'markets', 'Create', hour('2026-02-30T10:00:00Z'))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('argument limits', () => {
  let c: Community;
  beforeEach(async () => {
    c = await community();
    await c.submit(c.na, 'markets', 'Create', marketInput('m1'));
    await c.submit(c.na, 'markets', 'Open', 'm1');
  });
  afterEach(() => c.shutdown());

  it('when an argument is larger than the chaincode takes, then INPUT_TOO_LARGE and nothing is written', async () => {
    const h1 = await c.household('h1');
    const height = c.ledger.blockHeight;
    const padded = JSON.stringify({ side: 'buy', energyWh: 1, clientOrderId: 'x', pad: 'y'.repeat(20 * 1024) });
    await expect(c.submit(h1, 'orders', 'Place', 'm1', padded)).rejects.toMatchObject({ code: 'INPUT_TOO_LARGE' });
    await expect(c.submit(c.na, 'markets', 'Create', JSON.stringify({ id: 'big', name: 'z'.repeat(6 * 1024 * 1024) }))).rejects.toMatchObject({ code: 'INPUT_TOO_LARGE' });
    expect(c.ledger.blockHeight).toBe(height);
  });

  it('when arguments are together too large, then INPUT_TOO_LARGE; a wrong count is refused by the contract API', async () => {
    const h1 = await c.household('h1');
    const tooMany = Array.from({ length: 9 }, () => 'a');
    await expect(c.ledger.submit(h1, { contract: 'orders', transaction: 'Place', args: tooMany })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const third = 'q'.repeat(12 * 1024);
    await expect(c.ledger.evaluate(c.na, { contract: 'audit', transaction: 'History', args: [third, third, third] })).rejects.toMatchObject({ code: 'INPUT_TOO_LARGE' });
  });

  it('when a string field is longer than its limit, then INVALID_ARGUMENT naming it', async () => {
    await expect(
      c.submit(c.na, 'participants', 'Register', JSON.stringify({ id: 'h9', name: 'n'.repeat(201), kind: 'consumer', identity: 'CommunityMSP::x509::a::b' })),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', detail: expect.stringContaining('name') });
  });
});

describe('reads under a parent that does not exist', () => {
  it('when the market or the participant does not exist, then NOT_FOUND (not an empty list)', async () => {
    const c = await community();
    const h1 = await c.household('h1');
    await expect(c.evaluate(c.na, 'orders', 'ListByMarket', 'nope', '', '')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(c.evaluate(h1, 'orders', 'ListMine', 'nope', '', '')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(c.evaluate(c.na, 'accounts', 'Get', 'nope', '', '')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(c.evaluate(c.na, 'orders', 'Get', 'nope', 'o-1')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await c.shutdown();
  });
});

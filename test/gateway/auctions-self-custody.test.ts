/**
 * Auctions and a household that holds its own key: the gateway cannot sign for it, so
 * its custodial bid and own-bid list are 409 SELF_CUSTODY; it bids with a transaction
 * it signs itself (the signable action `auction.bid`); its public reads are asked as
 * the NA and narrowed back, so it sees the leader only as the leader (never another's
 * name) and the winner never, as a stranger would through the custodial routes.
 */
import 'reflect-metadata';
import { expectedCall } from '../../examples/household-client/src';
import { ADMIN, call, expectProblem, registerHousehold, removeDir, rfc3339, tempDataDir } from './support/gateway';
import { listeningGateway, selfCustodyHousehold, type ListeningGateway, type SelfCustodyHousehold } from './support/self-custody';

jest.setTimeout(90_000);

let gw: ListeningGateway;
let s1: SelfCustodyHousehold;
let h1: string;

beforeAll(async () => {
  gw = await listeningGateway(tempDataDir());
  await registerHousehold(gw.app, 'ess', { kind: 'storage' });
  h1 = await registerHousehold(gw.app, 'h1');
  s1 = await selfCustodyHousehold(gw, 's1');
});
afterAll(async () => {
  await gw.app.close();
  removeDir(gw.dataDir);
});

it('bids only through a signed transaction, and reads an auction as a stranger would', async () => {
  const now = Date.now();
  // Long enough for the signed bid's four steps on a loaded machine; the test then waits for endAt.
  const endAt = rfc3339(Math.ceil((now + 20_000) / 1000) * 1000);
  const created = await call(gw.app, 'POST', '/v1/auctions', ADMIN, {
    id: 'sc-a1',
    owner: 'ess',
    lotWh: 1000,
    reservePrice: 50000,
    increment: 1000,
    startAt: rfc3339(now - 60_000),
    endAt,
    deliveryStart: rfc3339(now + 3_600_000),
  });
  expect(created.status).toBe(201);
  expectProblem(await call(gw.app, 'POST', '/v1/auctions/sc-a1/bids', s1.token, { maxPrice: 60000 }), 409, 'SELF_CUSTODY');
  expectProblem(await call(gw.app, 'GET', '/v1/auctions/sc-a1/bids', s1.token), 409, 'SELF_CUSTODY');
  expect((await call(gw.app, 'POST', '/v1/auctions/sc-a1/bids', h1, { maxPrice: 90000 })).status).toBe(201);

  // Its own key signs the bid: the gateway prepares, the household signs each step.
  const params = { auctionId: 'sc-a1', maxPrice: 60000, clientBidId: 's1-1' };
  const expected = { contract: 'auctions', transaction: 'Bid', args: ['sc-a1', JSON.stringify({ maxPrice: 60000, clientBidId: 's1-1' })] };
  // The client knows the call a bid is, whatever order the caller wrote its fields in.
  expect(expectedCall('auction.bid', { clientBidId: 's1-1', maxPrice: 60000, auctionId: 'sc-a1' })).toEqual(expected);
  expect(expectedCall('auction.bid', { auctionId: 'sc-a1', maxPrice: 60000 })).toEqual({ ...expected, args: ['sc-a1', '{"maxPrice":60000}'] });
  const prepared = await s1.client.prepare('auction.bid', params);
  const endorsed = await s1.client.endorse<{ bidderId: string; maxPrice: number }>(prepared);
  expect(endorsed.result).toMatchObject({ bidderId: 's1', maxPrice: 60000 });
  const committed = await s1.client.commit<{ bidderId: string }>(prepared, endorsed, await s1.client.submit(prepared, endorsed));
  expect(committed.result).toMatchObject({ bidderId: 's1', clientBidId: 's1-1' });

  // Read as the NA for it, narrowed back: the level and count, no leader (h1's name), no disqualified list.
  const seen = await call(gw.app, 'GET', '/v1/auctions/sc-a1', s1.token);
  expect(seen.status).toBe(200);
  expect(seen.body).toMatchObject({ level: 61000, bidCount: 2 });
  expect(seen.body).not.toHaveProperty('leader');
  expect(seen.body).not.toHaveProperty('disqualified');
  const listed = await call(gw.app, 'GET', '/v1/auctions', s1.token);
  expect(listed.body.items.find((a: { id: string }) => a.id === 'sc-a1')).not.toHaveProperty('leader');

  await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(endAt) - Date.now() + 50)));
  expect((await call(gw.app, 'POST', '/v1/auctions/sc-a1/close', ADMIN)).body).toMatchObject({ status: 'settled', leader: 'h1', level: 61000 });
  const result = await call(gw.app, 'GET', '/v1/auctions/sc-a1/result', s1.token);
  expect(result.body).toMatchObject({ level: 61000, amount: 61000 });
  expect(result.body).not.toHaveProperty('winner');
});

/**
 * The ledger itself, not the gateway, refuses what an identity may not do.
 */
import { identityKey } from '@ecch/gateway-api/identity/identity-key';
import { community, Community, marketInput, MSP, newIdentity } from '../../support/ledger-fixture';

const order = (side: string, energyWh: number, extra: Record<string, unknown> = {}) => JSON.stringify({ side, energyWh, ...extra });

describe('authorisation inside the chaincode', () => {
  let c: Community;
  beforeEach(async () => {
    c = await community();
  });
  afterEach(() => c.shutdown());

  it('when a household registers a participant, then FORBIDDEN', async () => {
    const h1 = await c.household('h1');
    const other = await newIdentity('x');
    await expect(
      c.submit(h1, 'participants', 'Register', JSON.stringify({ id: 'x', name: 'X', kind: 'consumer', identity: identityKey(MSP, other.certificate) })),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('when a household creates, opens, gate-closes, clears or cancels a market, then FORBIDDEN each time', async () => {
    const h1 = await c.household('h1');
    await expect(c.submit(h1, 'markets', 'Create', marketInput('m1'))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await c.submit(c.na, 'markets', 'Create', marketInput('m1'));
    await expect(c.submit(h1, 'markets', 'Open', 'm1')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await c.submit(c.na, 'markets', 'Open', 'm1');
    await expect(c.submit(h1, 'markets', 'GateClose', 'm1')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await c.submit(c.na, 'markets', 'GateClose', 'm1');
    await expect(c.submit(h1, 'markets', 'Clear', 'm1')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(c.submit(h1, 'markets', 'Cancel', 'm1')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const market = await c.evaluate<{ status: string }>(h1, 'markets', 'Get', 'm1');
    expect(market.status).toBe('closed');
  });

  it('when an identity has the NA attribute with another value, then it is not the NA', async () => {
    const fake = await newIdentity('fake-admin', { 'ecch.role': 'household' });
    await expect(c.submit(fake, 'markets', 'Create', marketInput('m1'))).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('when a Grid-org certificate carries the NA attribute, then it is not the NA: every NA operation is FORBIDDEN', async () => {
    const gridNa = await newIdentity('grid-admin', { 'ecch.role': 'na' }, 'GridMSP');
    await expect(c.submit(gridNa, 'markets', 'Create', marketInput('m1'))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const other = await newIdentity('h9');
    await expect(
      c.submit(gridNa, 'participants', 'Register', JSON.stringify({ id: 'h9', name: 'H9', kind: 'consumer', identity: identityKey(MSP, other.certificate) })),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(c.evaluate(gridNa, 'accounts', 'GetGrid', '', '')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(c.submit(c.na, 'markets', 'Create', marketInput('m1'))).resolves.toMatchObject({ id: 'm1' });
  });

  it('when a Grid-org client applies, or the NA registers a household bound to a Grid identity, then FORBIDDEN and no participant', async () => {
    const gridClient = await newIdentity('grid-client', undefined, 'GridMSP');
    await expect(c.submit(gridClient, 'participants', 'Apply', JSON.stringify({ id: 'g1', name: 'G1', kind: 'consumer' }))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      c.submit(c.na, 'participants', 'Register', JSON.stringify({ id: 'g2', name: 'G2', kind: 'consumer', identity: identityKey('GridMSP', gridClient.certificate) })),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    for (const id of ['g1', 'g2']) await expect(c.evaluate(c.na, 'participants', 'Get', id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const communityClient = await newIdentity('applicant');
    await expect(c.submit(communityClient, 'participants', 'Apply', JSON.stringify({ id: 'c1', name: 'C1', kind: 'consumer' }))).resolves.toMatchObject({ status: 'pending' });
  });

  describe('with an open market and one order each from h1 and h2', () => {
    let h1: Awaited<ReturnType<Community['household']>>;
    let h2: typeof h1;
    let o1: string;
    beforeEach(async () => {
      h1 = await c.household('h1');
      h2 = await c.household('h2');
      await c.submit(c.na, 'markets', 'Create', marketInput('m1'));
      await c.submit(c.na, 'markets', 'Open', 'm1');
      o1 = (await c.submit<{ order: { id: string } }>(h1, 'orders', 'Place', 'm1', order('sell', 1000))).order.id;
      await c.submit(h2, 'orders', 'Place', 'm1', order('buy', 1000));
    });

    it('when h2 amends h1\'s order, then FORBIDDEN and the order is unchanged', async () => {
      await expect(c.submit(h2, 'orders', 'Amend', 'm1', o1, JSON.stringify({ energyWh: 5 }))).rejects.toMatchObject({ code: 'FORBIDDEN' });
      const got = await c.evaluate<{ energyWh: number; revision: number }>(h1, 'orders', 'Get', 'm1', o1);
      expect(got).toMatchObject({ energyWh: 1000, revision: 1 });
    });

    it('when h2 cancels h1\'s order, then FORBIDDEN and it stays open', async () => {
      await expect(c.submit(h2, 'orders', 'Cancel', 'm1', o1)).rejects.toMatchObject({ code: 'FORBIDDEN' });
      expect(await c.evaluate<{ status: string }>(h1, 'orders', 'Get', 'm1', o1)).toMatchObject({ status: 'open' });
    });

    it('when the NA amends a household\'s order, then FORBIDDEN: only the owner may', async () => {
      await expect(c.submit(c.na, 'orders', 'Amend', 'm1', o1, JSON.stringify({ energyWh: 5 }))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    });

    it('when h2 crafts a bookmark pointing before its own list, then the chaincode refuses it instead of reading h1\'s keys', async () => {
      // A peer starts a paged query at the bookmark, whatever range was asked for.
      const h1Orders = '\u0000ecch.porder\u0000h1\u0000';
      await expect(c.evaluate(h2, 'orders', 'ListMine', '', '10', h1Orders)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(c.evaluate(h2, 'orders', 'ListMine', 'm1', '10', h1Orders)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await c.close('m1');
      await expect(c.evaluate(h2, 'accounts', 'Get', 'h2', '10', 'ecch.entry~h1~')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      const mine = await c.evaluate<{ items: { participantId: string }[] }>(h2, 'orders', 'ListMine', '', '10', '');
      expect(mine.items.map((o) => o.participantId)).toEqual(['h2']);
    });

    it('when h2 reads h1\'s order or account, then FORBIDDEN; the NA may', async () => {
      await expect(c.evaluate(h2, 'orders', 'Get', 'm1', o1)).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(c.evaluate(h2, 'accounts', 'Get', 'h1', '', '')).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(c.evaluate(h2, 'participants', 'Get', 'h1')).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(c.evaluate(c.na, 'orders', 'Get', 'm1', o1)).resolves.toMatchObject({ participantId: 'h1' });
      await expect(c.evaluate(c.na, 'accounts', 'Get', 'h1', '', '')).resolves.toMatchObject({ participantId: 'h1' });
    });

    it('when a household lists orders, then it sees only its own; listing a market\'s orders is NA-only', async () => {
      const mine = await c.evaluate<{ items: { participantId: string }[] }>(h2, 'orders', 'ListMine', 'm1', '', '');
      expect(mine.items.map((o) => o.participantId)).toEqual(['h2']);
      await expect(c.evaluate(h2, 'orders', 'ListByMarket', 'm1', '', '')).rejects.toMatchObject({ code: 'FORBIDDEN' });
      const all = await c.evaluate<{ items: unknown[] }>(c.na, 'orders', 'ListByMarket', 'm1', '', '');
      expect(all.items).toHaveLength(2);
    });
  });

  it('when an identity bound to no participant places an order, then UNAUTHENTICATED', async () => {
    const stranger = await newIdentity('stranger');
    await c.submit(c.na, 'markets', 'Create', marketInput('m1'));
    await c.submit(c.na, 'markets', 'Open', 'm1');
    await expect(c.submit(stranger, 'orders', 'Place', 'm1', order('buy', 10))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('when a household applies, then it is pending and cannot trade until approved; suspended, every write of its identity is refused until reinstated', async () => {
    const applicant = await newIdentity('h9');
    const p = await c.submit<{ status: string }>(applicant, 'participants', 'Apply', JSON.stringify({ id: 'h9', name: 'Nine', kind: 'consumer' }));
    expect(p.status).toBe('pending');
    await c.submit(c.na, 'markets', 'Create', marketInput('m1'));
    await c.submit(c.na, 'markets', 'Open', 'm1');
    await expect(c.submit(applicant, 'orders', 'Place', 'm1', order('buy', 10))).rejects.toMatchObject({ code: 'PARTICIPANT_NOT_ACTIVE' });
    await expect(c.submit(applicant, 'participants', 'SetStatus', 'h9', 'approve')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await c.submit(c.na, 'participants', 'SetStatus', 'h9', 'approve');
    await expect(c.submit(applicant, 'orders', 'Place', 'm1', order('buy', 10))).resolves.toMatchObject({ created: true });
    await c.submit(c.na, 'participants', 'SetStatus', 'h9', 'suspend');
    const mine = await c.evaluate<{ items: { id: string }[] }>(applicant, 'orders', 'ListMine', 'm1', '', '');
    await expect(c.submit(applicant, 'orders', 'Cancel', 'm1', mine.items[0].id)).rejects.toMatchObject({ code: 'PARTICIPANT_NOT_ACTIVE' });
    await expect(c.submit(applicant, 'orders', 'Amend', 'm1', mine.items[0].id, JSON.stringify({ energyWh: 5 }))).rejects.toMatchObject({ code: 'PARTICIPANT_NOT_ACTIVE' });
    await c.submit(c.na, 'markets', 'Create', marketInput('m2'));
    await c.submit(c.na, 'markets', 'Open', 'm2');
    await expect(c.submit(applicant, 'orders', 'Place', 'm2', order('buy', 10))).rejects.toMatchObject({ code: 'PARTICIPANT_NOT_ACTIVE' });
    await expect(c.submit(applicant, 'participants', 'Apply', JSON.stringify({ id: 'h9b', name: 'Nine again', kind: 'consumer' }))).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    // Reinstated, it trades again.
    await c.submit(c.na, 'participants', 'SetStatus', 'h9', 'reinstate');
    await expect(c.submit(applicant, 'orders', 'Place', 'm2', order('buy', 10))).resolves.toMatchObject({ created: true });
  });

  it('when one identity is registered twice, then ALREADY_EXISTS: an identity acts for one participant only', async () => {
    const who = await newIdentity('twice');
    const key = identityKey(MSP, who.certificate);
    await c.submit(c.na, 'participants', 'Register', JSON.stringify({ id: 'a1', name: 'A', kind: 'consumer', identity: key }));
    await expect(
      c.submit(c.na, 'participants', 'Register', JSON.stringify({ id: 'a2', name: 'A again', kind: 'consumer', identity: key })),
    ).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
  });
});

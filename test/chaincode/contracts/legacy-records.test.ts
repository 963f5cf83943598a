/**
 * Records written before the active-order record carried the order and before the
 * identity record carried the status stay readable: a ledger holding them answers
 * exactly as it did (docs/architecture.md, "State keys").
 */
import { stateKey, Db } from '@ecch/gateway-api/ledger/embedded/store';
import { identityKey } from '@ecch/gateway-api/identity/identity-key';
import { community, Community, marketInput, MSP } from '../../support/ledger-fixture';

interface PlaceAnswer {
  order: { id: string; status: string; energyWh: number; clientOrderId?: string };
  created: boolean;
}

const composite = (type: string, parts: string[]) => `\u0000${type}\u0000${parts.map((p) => `${p}\u0000`).join('')}`;

describe('records in the earlier layout', () => {
  let c: Community;
  let db: Db;
  beforeEach(async () => {
    c = await community();
    db = (c.ledger as unknown as { db: Db }).db;
    await c.submit(c.na, 'markets', 'Create', marketInput('m1'));
    await c.submit(c.na, 'markets', 'Open', 'm1');
  });
  afterEach(() => c.shutdown());

  /** Rewrites what Place stored into the earlier layout: `{ orderId }` active record, client key, `{ participantId }` binding. */
  async function toEarlierLayout(participantId: string, certificate: string, placed: PlaceAnswer['order'], digest?: string): Promise<void> {
    const active = stateKey(composite('ecch.active', ['m1', participantId]));
    const binding = stateKey(composite('ecch.identity', [identityKey(MSP, certificate)]));
    // The keys rewritten are the ones Place wrote in the current layout.
    expect(JSON.parse(String(await db.get(active)))).toMatchObject({ orderId: placed.id, order: { id: placed.id } });
    expect(JSON.parse(String(await db.get(binding)))).toEqual({ participantId, status: 'approved' });
    await db.put(active, Buffer.from(JSON.stringify({ orderId: placed.id })));
    if (placed.clientOrderId && digest) {
      await db.put(stateKey(composite('ecch.client', ['m1', participantId, placed.clientOrderId])), Buffer.from(JSON.stringify({ digest, orderId: placed.id })));
    }
    await db.put(binding, Buffer.from(JSON.stringify({ participantId })));
  }

  it('when the active record holds only the order id, then a retry, an amendment, a second order, a cancel and the clearing see the order', async () => {
    const h1 = await c.household('h1');
    const h2 = await c.household('h2');
    const body = JSON.stringify({ side: 'buy', energyWh: 700, clientOrderId: 'r1' });
    const first = await c.submit<PlaceAnswer>(h1, 'orders', 'Place', 'm1', body);
    await toEarlierLayout('h1', h1.certificate, first.order, JSON.stringify({ energyWh: 700, limitPrice: null, side: 'buy' }));
    const sell = await c.submit<PlaceAnswer>(h2, 'orders', 'Place', 'm1', JSON.stringify({ side: 'sell', energyWh: 500 }));
    await toEarlierLayout('h2', h2.certificate, sell.order);

    await expect(c.submit(h1, 'orders', 'Place', 'm1', body)).resolves.toEqual({ order: first.order, created: false });
    await expect(c.submit(h1, 'orders', 'Place', 'm1', JSON.stringify({ side: 'buy', energyWh: 701, clientOrderId: 'r1' }))).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    await expect(c.submit(h1, 'orders', 'Place', 'm1', JSON.stringify({ side: 'buy', energyWh: 5 }))).rejects.toMatchObject({ code: 'ACTIVE_ORDER_EXISTS' });
    await expect(c.submit(h2, 'orders', 'Amend', 'm1', first.order.id, JSON.stringify({ energyWh: 1 }))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const amended = await c.submit<{ energyWh: number; revision: number }>(h1, 'orders', 'Amend', 'm1', first.order.id, JSON.stringify({ energyWh: 800 }));
    expect(amended).toMatchObject({ energyWh: 800, revision: 2 });
    // The earlier client key still answers a retry after the amendment.
    await expect(c.submit<PlaceAnswer>(h1, 'orders', 'Place', 'm1', body)).resolves.toMatchObject({ order: { id: first.order.id, energyWh: 800 }, created: false });

    const book = await c.evaluate<{ buy: { totalWh: number }; sell: { totalWh: number } }>(c.na, 'markets', 'GetOrderBook', 'm1');
    expect({ buy: book.buy.totalWh, sell: book.sell.totalWh }).toEqual({ buy: 800, sell: 500 });
    const closed = await c.close<{ result: { allocations: { orderId: string; energyWh: number; internalWh: number }[] } }>('m1');
    expect(closed.result.allocations.map((a) => [a.orderId, a.energyWh, a.internalWh]).sort()).toEqual(
      [[first.order.id, 800, 500], [sell.order.id, 500, 500]].sort(),
    );
  });

  it('when a cancelled order was placed under the earlier layout, then its retry returns it cancelled', async () => {
    const h1 = await c.household('h1');
    const body = JSON.stringify({ side: 'sell', energyWh: 300, clientOrderId: 'r9' });
    const first = await c.submit<PlaceAnswer>(h1, 'orders', 'Place', 'm1', body);
    await toEarlierLayout('h1', h1.certificate, first.order, JSON.stringify({ energyWh: 300, limitPrice: null, side: 'sell' }));
    await c.submit(h1, 'orders', 'Cancel', 'm1', first.order.id);
    await expect(c.submit<PlaceAnswer>(h1, 'orders', 'Place', 'm1', body)).resolves.toMatchObject({ order: { id: first.order.id, status: 'cancelled' }, created: false });
    await expect(c.submit<PlaceAnswer>(h1, 'orders', 'Place', 'm1', JSON.stringify({ side: 'sell', energyWh: 301 }))).resolves.toMatchObject({ created: true });
  });

  it('when the identity record holds only the participant id, then the participant record decides: a suspended household is refused', async () => {
    const h1 = await c.household('h1');
    const placed = await c.submit<PlaceAnswer>(h1, 'orders', 'Place', 'm1', JSON.stringify({ side: 'buy', energyWh: 10 }));
    await toEarlierLayout('h1', h1.certificate, placed.order);
    await c.submit(h1, 'orders', 'Cancel', 'm1', placed.order.id);
    // Suspension rewrites the participant; the earlier binding is read through to it.
    await db.put(stateKey(composite('ecch.participant', ['h1'])), Buffer.from(JSON.stringify({
      ...(await c.evaluate<Record<string, unknown>>(c.na, 'participants', 'Get', 'h1')),
      status: 'suspended',
    })));
    await expect(c.submit(h1, 'orders', 'Place', 'm1', JSON.stringify({ side: 'buy', energyWh: 10 }))).rejects.toMatchObject({ code: 'PARTICIPANT_NOT_ACTIVE' });
  });
});

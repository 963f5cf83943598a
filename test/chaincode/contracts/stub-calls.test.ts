/**
 * How many state reads and writes each order transaction and the clearing make.
 * On a peer every getState, putState, deleteState and range query is a round trip
 * over the peer↔chaincode stream and a key in the read or write set, so these counts
 * are the order path's cost (bench/results/close.md). A read added back fails here.
 */
import { EmbeddedStub } from '@ecch/gateway-api/ledger/embedded/stub';
import { community, Community, marketInput } from '../../support/ledger-fixture';

type Kind = 'get' | 'put' | 'del' | 'range';

/** Counts the stub calls of whatever `run` submits, by kind and by key type. */
async function counted<T>(run: () => Promise<T>): Promise<{ result: T; calls: Record<Kind, number>; keys: string[] }> {
  const calls: Record<Kind, number> = { get: 0, put: 0, del: 0, range: 0 };
  const keys: string[] = [];
  // The key type: a composite key's object type, a simple key's prefix up to '~'.
  const type = (k: string) => (k.startsWith('\u0000') ? k.split('\u0000')[1] : k.split('~')[0]);
  const wrap = <M extends 'getState' | 'putState' | 'deleteState' | 'getStateByRange' | 'getStateByPartialCompositeKey'>(method: M, kind: Kind) => {
    const real = EmbeddedStub.prototype[method] as (...a: unknown[]) => unknown;
    return jest.spyOn(EmbeddedStub.prototype, method).mockImplementation(function (this: EmbeddedStub, ...a: unknown[]) {
      calls[kind]++;
      keys.push(`${kind} ${method === 'getStateByPartialCompositeKey' ? String(a[0]) : type(String(a[0]))}`);
      return real.apply(this, a);
    } as never);
  };
  const spies = [wrap('getState', 'get'), wrap('putState', 'put'), wrap('deleteState', 'del'), wrap('getStateByRange', 'range'), wrap('getStateByPartialCompositeKey', 'range')];
  try {
    const result = await run();
    return { result, calls, keys };
  } finally {
    spies.forEach((s) => s.mockRestore());
  }
}


const order = (energyWh: number, clientOrderId?: string) => JSON.stringify({ side: 'buy', energyWh, ...(clientOrderId ? { clientOrderId } : {}) });

describe('state reads and writes per order transaction and per clearing', () => {
  let c: Community;
  beforeAll(async () => {
    c = await community();
    await c.submit(c.na, 'markets', 'Create', marketInput('m1'));
    await c.submit(c.na, 'markets', 'Open', 'm1');
  });
  afterAll(() => c.shutdown());

  it('when a household places, retries, amends and cancels, then each reads its identity record, the market and its active record, and writes only its own keys', async () => {
    const h1 = await c.household('h1');
    const place = await counted(() => c.submit<{ order: { id: string } }>(h1, 'orders', 'Place', 'm1', order(700, 'r1')));
    expect(place.keys).toEqual(['get ecch.identity', 'get ecch.market', 'get ecch.active', 'get ecch.client', 'put ecch.order', 'put ecch.active', 'put ecch.porder']);
    // A retry of the active order is answered from the active record alone.
    const retry = await counted(() => c.submit(h1, 'orders', 'Place', 'm1', order(700, 'r1')));
    expect(retry.keys).toEqual(['get ecch.identity', 'get ecch.market', 'get ecch.active']);
    const amend = await counted(() => c.submit(h1, 'orders', 'Amend', 'm1', place.result.order.id, JSON.stringify({ energyWh: 800 })));
    expect(amend.keys).toEqual(['get ecch.identity', 'get ecch.market', 'get ecch.active', 'put ecch.order', 'put ecch.active']);
    // Cancelling writes the client key the active record stood in for.
    const cancel = await counted(() => c.submit(h1, 'orders', 'Cancel', 'm1', place.result.order.id));
    expect(cancel.keys).toEqual(['get ecch.identity', 'get ecch.market', 'get ecch.active', 'put ecch.order', 'del ecch.active', 'put ecch.client']);
    const late = await counted(() => c.submit<{ order: { id: string; status: string }; created: boolean }>(h1, 'orders', 'Place', 'm1', order(700, 'r1')));
    expect(late.result).toMatchObject({ order: { id: place.result.order.id, status: 'cancelled' }, created: false });
    expect(late.keys).toEqual(['get ecch.identity', 'get ecch.market', 'get ecch.active', 'get ecch.client', 'get ecch.order']);
    const plain = await counted(() => c.submit(h1, 'orders', 'Place', 'm1', order(900)));
    expect(plain.keys).toEqual(['get ecch.identity', 'get ecch.market', 'get ecch.active', 'put ecch.order', 'put ecch.active', 'put ecch.porder']);
  });

  it('when a market of many orders clears, then it reads the market, the books and one range of active records, and no order key', async () => {
    await c.submit(c.na, 'markets', 'Create', marketInput('m2'));
    await c.submit(c.na, 'markets', 'Open', 'm2');
    const n = 12;
    for (let i = 0; i < n; i++) {
      const h = await c.household(`c${i}`);
      await c.submit(h, 'orders', 'Place', 'm2', JSON.stringify({ side: i % 3 === 0 ? 'sell' : 'buy', energyWh: 100 + i }));
    }
    await c.submit(c.na, 'markets', 'GateClose', 'm2');
    const clear = await counted(() => c.submit<{ result: { allocations: unknown[] } }>(c.na, 'markets', 'Clear', 'm2'));
    expect(clear.result.result.allocations).toHaveLength(n);
    expect(clear.keys.filter((k) => !k.startsWith('put'))).toEqual(['get ecch.market', 'get ecch.books', 'range ecch.active', 'del ecch.mstatus']);
    // One entry per order and the grid's, the result, the market and its status index.
    expect(clear.calls.put).toBe(n + 1 + 3);
  });

  it('when the NA suspends a household, then its identity record is rewritten with the participant, so its next order is refused', async () => {
    const h = await c.household('s1');
    const suspend = await counted(() => c.submit(c.na, 'participants', 'SetStatus', 's1', 'suspend'));
    expect(suspend.keys).toEqual(['get ecch.participant', 'put ecch.participant', 'put ecch.identity', 'del ecch.pstatus', 'put ecch.pstatus']);
    await expect(c.submit(h, 'orders', 'Place', 'm1', order(100))).rejects.toMatchObject({ code: 'PARTICIPANT_NOT_ACTIVE' });
    await c.submit(c.na, 'participants', 'SetStatus', 's1', 'reinstate');
    await expect(c.submit(h, 'orders', 'Place', 'm1', order(100))).resolves.toMatchObject({ created: true });
  });
});

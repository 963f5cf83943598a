/**
 * Metered delivery through the real contracts on the embedded ledger (mechanisms.md §7):
 * meters registered by the NA (replacement keeps history), signed readings (a forged or
 * altered one refused and never written, a repeat a no-op, a conflict refused and kept
 * as evidence, a late one refused), and the reconciliation of a settled market.
 */
import type { LedgerEvent, LedgerIdentity } from '@ecch/gateway-api/ledger/port';
import { community, Community, B, S } from '../../support/ledger-fixture';
import { createTestMeter, highS, readingOf, signed, TestMeter } from '../../support/meters';

const START = '2026-06-21T10:00:00.000Z';
const BEFORE = Date.parse('2026-06-21T08:00:00Z');
const DURING = Date.parse('2026-06-21T10:30:00Z');
const AFTER_WINDOW = Date.parse('2026-06-21T12:00:00Z');

type Outcome = { outcome: string; code?: string; detail?: string; marketId?: string };
type Recon = { marketId: string; gridAmount: number; entries: { participantId: string; meterId: string; scheduledWh: number; meteredWh: number | null; imbalanceWh: number; amount: number; estimated: boolean }[] };
type Entry = { kind: string; marketId?: string; participantId: string; gridWh: number; price: number | null; amount: number; meterId?: string; estimated?: boolean; meteredWh?: number | null; scheduledWh?: number };

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return String((err as Error).message).split(':')[0];
  }
  throw new Error('expected a refusal');
}

describe('metering on the embedded ledger', () => {
  let now = BEFORE;
  let c: Community;
  let h: Record<string, LedgerIdentity>;
  let meters: Record<string, TestMeter>;
  const register = (m: TestMeter, participantId: string, who: LedgerIdentity = c.na) =>
    c.submit<{ meter: { meterId: string; status: string; replaces?: string }; created: boolean }>(
      who,
      'meters',
      'Register',
      JSON.stringify({ meterId: m.meterId, participantId, certificate: m.certificatePem }),
    );
  const submit = (body: unknown) => c.submit<Outcome>(c.na, 'readings', 'Submit', JSON.stringify(body));

  /** A settled market at START: h1 sells 1000 Wh, h2 buys 2000 Wh, h3 has no order, h4 an order but no meter. */
  async function settledMarket(id: string, mechanism = 'sdr', start = START) {
    now = Date.parse(start) - 2 * 3_600_000;
    await c.submit(c.na, 'markets', 'Create', JSON.stringify({ id, deliveryStart: start, gridBuyPrice: B, gridSellPrice: S, mechanism }));
    await c.submit(c.na, 'markets', 'Open', id);
    await c.submit(h.h1, 'orders', 'Place', id, JSON.stringify({ side: 'sell', energyWh: 1000 }));
    await c.submit(h.h2, 'orders', 'Place', id, JSON.stringify({ side: 'buy', energyWh: 2000 }));
    await c.submit(h.h4, 'orders', 'Place', id, JSON.stringify({ side: 'buy', energyWh: 500 }));
    await c.close(id);
  }

  beforeEach(async () => {
    now = BEFORE;
    c = await community({ now: () => now });
    h = {};
    for (const id of ['h1', 'h2', 'h3', 'h4']) h[id] = await c.household(id);
    meters = {};
    for (const id of ['h1', 'h2', 'h3']) {
      meters[id] = await createTestMeter(`meter-${id}`);
      await register(meters[id], id);
    }
  });
  afterEach(() => c.shutdown());

  it('only the NA registers meters; a repeat answers the same meter; a taken id or key is ALREADY_EXISTS', async () => {
    const m = await createTestMeter('meter-x');
    expect(await refusal(register(m, 'h4', h.h4))).toBe('FORBIDDEN');
    expect((await register(m, 'h4')).created).toBe(true);
    expect(await register(m, 'h4')).toMatchObject({ created: false, meter: { meterId: 'meter-x', status: 'active' } });
    const other = await createTestMeter('meter-x');
    expect(await refusal(register(other, 'h4'))).toBe('ALREADY_EXISTS');
    expect(await refusal(c.submit(c.na, 'meters', 'Register', JSON.stringify({ meterId: 'meter-y', participantId: 'h4', certificate: m.certificatePem })))).toBe('ALREADY_EXISTS');
    expect(await refusal(register(await createTestMeter('meter-z'), 'nobody'))).toBe('NOT_FOUND');
    expect(await refusal(c.submit(c.na, 'meters', 'Register', JSON.stringify({ meterId: 'm2', participantId: 'h4', certificate: 'not a pem' })))).toBe('INVALID_ARGUMENT');
    // A household reads its own meter, not another's.
    expect(await c.evaluate(h.h4, 'meters', 'GetForParticipant', 'h4')).toMatchObject({ meterId: 'meter-x' });
    expect(await refusal(c.evaluate(h.h4, 'meters', 'GetForParticipant', 'h1'))).toBe('FORBIDDEN');
    expect(await refusal(c.evaluate(h.h4, 'meters', 'List', '', ''))).toBe('FORBIDDEN');
  });

  it('refuses an RSA key and a certificate outside its validity period', async () => {
    const expired = await createTestMeter('meter-old', { notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z') });
    expect(await refusal(register(expired, 'h4'))).toBe('INVALID_ARGUMENT');
    const { generateKeyPairSync } = await import('node:crypto');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const x509 = await import('@peculiar/x509');
    const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
    const { webcrypto } = await import('node:crypto');
    const keys = {
      privateKey: await webcrypto.subtle.importKey('pkcs8', rsa.privateKey.export({ type: 'pkcs8', format: 'der' }), alg, true, ['sign']),
      publicKey: await webcrypto.subtle.importKey('spki', rsa.publicKey.export({ type: 'spki', format: 'der' }), alg, true, ['verify']),
    };
    const cert = await x509.X509CertificateGenerator.createSelfSigned({ serialNumber: '02', name: 'CN=rsa', notBefore: new Date('2020-01-01'), notAfter: new Date('2040-01-01'), keys: keys as never, signingAlgorithm: alg });
    expect(await refusal(c.submit(c.na, 'meters', 'Register', JSON.stringify({ meterId: 'rsa', participantId: 'h4', certificate: cert.toString('pem') })))).toBe('INVALID_ARGUMENT');
  });

  it('replacing a meter keeps the old one, marked replaced, and its readings', async () => {
    await settledMarket('m1');
    now = DURING;
    expect((await submit(signed(meters.h1, readingOf('meter-h1', START, 0, 900)))).outcome).toBe('recorded');
    const next = await createTestMeter('meter-h1b');
    const replaced = await register(next, 'h1');
    expect(replaced.meter).toMatchObject({ meterId: 'meter-h1b', status: 'active', replaces: 'meter-h1' });
    expect(await c.evaluate(c.na, 'meters', 'Get', 'meter-h1')).toMatchObject({ status: 'replaced', replacedBy: 'meter-h1b' });
    expect(await c.evaluate(c.na, 'meters', 'GetForParticipant', 'h1')).toMatchObject({ meterId: 'meter-h1b' });
    expect(await c.evaluate(c.na, 'readings', 'Get', 'meter-h1', '2026-06-21T10:00:00Z')).toMatchObject({ reading: { exportWh: 900 } });
    const list = await c.evaluate<{ items: { meterId: string }[] }>(c.na, 'meters', 'List', '', '');
    expect(list.items.map((m) => m.meterId)).toEqual(['meter-h1', 'meter-h1b', 'meter-h2', 'meter-h3']);
    // The old meter reads no interval after its replacement.
    now = Date.parse('2026-06-22T10:30:00Z');
    await c.submit(c.na, 'markets', 'Create', JSON.stringify({ id: 'm2', deliveryStart: '2026-06-22T10:00:00Z', gridBuyPrice: B, gridSellPrice: S }));
    expect(await refusal(submit(signed(meters.h1, readingOf('meter-h1', '2026-06-22T10:00:00Z', 0, 1))))).toBe('INVALID_STATE');
    // The reconciliation of m1 counts the replaced meter's reading of that interval.
    now = AFTER_WINDOW + 86_400_000;
    const { reconciliation } = await c.submit<{ reconciliation: Recon }>(c.na, 'markets', 'Reconcile', 'm1');
    expect(reconciliation.entries.find((e) => e.participantId === 'h1')).toMatchObject({ meterId: 'meter-h1', meteredWh: 900, imbalanceWh: -100, estimated: false });
  });

  it('a forged or altered reading is BAD_SIGNATURE and writes nothing; a high-S signature verifies', async () => {
    await settledMarket('m1');
    now = DURING;
    const good = signed(meters.h1, readingOf('meter-h1', START, 0, 900));
    const altered = { reading: { ...good.reading, exportWh: 9000 }, signature: good.signature };
    expect(await refusal(submit(altered))).toBe('BAD_SIGNATURE');
    const forged = { reading: good.reading, signature: meters.h2.sign(good.reading) };
    expect(await refusal(submit(forged))).toBe('BAD_SIGNATURE');
    expect(await refusal(submit({ reading: good.reading, signature: 'MEUCIQ==' }))).toBe('BAD_SIGNATURE');
    expect(await refusal(c.evaluate(c.na, 'readings', 'Get', 'meter-h1', '2026-06-21T10:00:00Z'))).toBe('NOT_FOUND');
    // In a batch, each bad item is refused and only the good one is written.
    const batch = await c.submit<{ results: Outcome[] }>(c.na, 'readings', 'SubmitBatch', JSON.stringify([altered, forged, { reading: good.reading, signature: highS(good.signature) }]));
    expect(batch.results.map((r) => [r.outcome, r.code])).toEqual([
      ['refused', 'BAD_SIGNATURE'],
      ['refused', 'BAD_SIGNATURE'],
      ['recorded', undefined],
    ]);
    expect(await c.evaluate(c.na, 'readings', 'Get', 'meter-h1', '2026-06-21T10:00:00Z')).toMatchObject({ reading: { exportWh: 900 } });
  });

  it('a repeat is a no-op; a different signed reading is READING_CONFLICT, kept as evidence', async () => {
    await settledMarket('m1');
    now = DURING;
    const events: LedgerEvent[] = [];
    const stop = new AbortController();
    const reader = (async () => {
      for await (const e of c.ledger.events(c.na, { blockNumber: 0n }, stop.signal)) {
        events.push(e);
        if (e.name === 'reading.conflict') stop.abort();
      }
    })();
    const first = signed(meters.h1, readingOf('meter-h1', START, 0, 900));
    expect(await submit(first)).toMatchObject({ outcome: 'recorded', marketId: 'm1' });
    expect(await submit(first)).toMatchObject({ outcome: 'repeat' });
    const other = signed(meters.h1, readingOf('meter-h1', START, 0, 1200, { seq: 2 }));
    expect(await submit(other)).toMatchObject({ outcome: 'conflict', code: 'READING_CONFLICT' });
    expect(await submit(other)).toMatchObject({ outcome: 'conflict', code: 'READING_CONFLICT' });
    const evidence = await c.evaluate<{ items: { reading: { exportWh: number }; signature: string; marketId: string }[] }>(c.na, 'readings', 'ListConflicts', '', '', '');
    expect(evidence.items).toHaveLength(1);
    expect(evidence.items[0]).toMatchObject({ reading: { exportWh: 1200 }, signature: other.signature, marketId: 'm1' });
    expect(await refusal(c.evaluate(h.h1, 'readings', 'ListConflicts', '', '', ''))).toBe('FORBIDDEN');
    // The first reading still counts.
    expect(await c.evaluate(c.na, 'readings', 'Get', 'meter-h1', '2026-06-21T10:00:00Z')).toMatchObject({ reading: { exportWh: 900 } });
    await reader;
    expect(events.filter((e) => e.name.startsWith('reading.')).map((e) => e.name)).toEqual(['reading.recorded', 'reading.conflict']);
  });

  it('a batch is one transaction with one result per item, its duplicates seen within it', async () => {
    await settledMarket('m1');
    now = DURING;
    const a = signed(meters.h1, readingOf('meter-h1', START, 0, 900));
    const b = signed(meters.h2, readingOf('meter-h2', START, 1800, 0));
    const b2 = signed(meters.h2, readingOf('meter-h2', START, 1900, 0, { seq: 9 }));
    const { results } = await c.submit<{ results: Outcome[] }>(c.na, 'readings', 'SubmitBatch', JSON.stringify([a, b, a, b2, { reading: { meterId: 'nope' } }]));
    expect(results.map((r) => [r.outcome, r.code])).toEqual([
      ['recorded', undefined],
      ['recorded', undefined],
      ['repeat', undefined],
      ['conflict', 'READING_CONFLICT'],
      ['refused', 'INVALID_ARGUMENT'],
    ]);
    expect(await refusal(c.submit(c.na, 'readings', 'SubmitBatch', JSON.stringify(Array.from({ length: 1001 }, () => a))))).toBe('INPUT_TOO_LARGE');
  });

  it('a reading before its interval starts, or for an interval no market delivers, is refused', async () => {
    await settledMarket('m1');
    now = Date.parse('2026-06-21T09:59:59Z');
    expect(await refusal(submit(signed(meters.h1, readingOf('meter-h1', START, 0, 1))))).toBe('INVALID_STATE');
    now = DURING;
    expect(await refusal(submit(signed(meters.h1, readingOf('meter-h1', START, 0, 1, { intervalMinutes: 15 }))))).toBe('NOT_FOUND');
    expect(await refusal(submit(signed(meters.h1, readingOf('meter-h1', '2026-06-21T07:00:00Z', 0, 1))))).toBe('NOT_FOUND');
    const unknown = await createTestMeter('meter-unknown');
    expect(await refusal(submit(signed(unknown, readingOf('meter-unknown', START, 0, 1))))).toBe('NOT_FOUND');
  });

  it('reconciles once after the reading window: Δ at S or B, an estimate without a reading, the grid balances', async () => {
    await settledMarket('m1');
    now = DURING;
    // h1 sold 1000 and exported 900 (Δ −100); h2 bought 2000 and imported 1500 (Δ +500); h3 has no reading.
    await submit(signed(meters.h1, readingOf('meter-h1', START, 0, 900)));
    await submit(signed(meters.h2, readingOf('meter-h2', START, 1500, 0)));
    expect(await refusal(c.submit(h.h1, 'markets', 'Reconcile', 'm1'))).toBe('FORBIDDEN');
    now = AFTER_WINDOW - 1;
    expect(await refusal(c.submit(c.na, 'markets', 'Reconcile', 'm1'))).toBe('INVALID_STATE');
    expect(await refusal(c.evaluate(c.na, 'markets', 'GetReconciliation', 'm1'))).toBe('RESULT_NOT_AVAILABLE');
    now = AFTER_WINDOW;
    const { market, reconciliation } = await c.submit<{ market: { status: string }; reconciliation: Recon }>(c.na, 'markets', 'Reconcile', 'm1');
    expect(market.status).toBe('reconciled');
    expect(reconciliation.entries).toEqual([
      { participantId: 'h1', meterId: 'meter-h1', scheduledWh: 1000, meteredWh: 900, imbalanceWh: -100, amount: -13000, price: B, estimated: false },
      { participantId: 'h2', meterId: 'meter-h2', scheduledWh: -2000, meteredWh: -1500, imbalanceWh: 500, amount: 20000, price: S, estimated: false },
      { participantId: 'h3', meterId: 'meter-h3', scheduledWh: 0, meteredWh: null, imbalanceWh: 0, amount: 0, price: null, estimated: true },
    ]);
    expect(reconciliation.gridAmount).toBe(-7000);
    expect(reconciliation.entries.reduce((s, e) => s + e.amount, reconciliation.gridAmount)).toBe(0);
    expect(await c.evaluate(h.h3, 'markets', 'GetReconciliation', 'm1')).toEqual(reconciliation);
    // The accounts carry one imbalance entry each, and the grid's.
    const h1 = await c.evaluate<{ entries: Entry[] }>(c.na, 'accounts', 'Get', 'h1', '', '');
    expect(h1.entries.find((e) => e.kind === 'imbalance')).toMatchObject({ marketId: 'm1', gridWh: -100, price: B, amount: -13000, meterId: 'meter-h1', meteredWh: 900, scheduledWh: 1000, estimated: false });
    const grid = await c.evaluate<{ entries: Entry[] }>(c.na, 'accounts', 'GetGrid', '', '');
    expect(grid.entries.find((e) => e.kind === 'imbalance')).toMatchObject({ marketId: 'm1', participantId: 'grid', gridWh: -400, amount: -7000 });
    // h4 traded but has no meter: no imbalance entry.
    const h4 = await c.evaluate<{ entries: Entry[] }>(c.na, 'accounts', 'Get', 'h4', '', '');
    expect(h4.entries.filter((e) => e.kind === 'imbalance')).toEqual([]);
    // Once only; and readings are late from now on (a repeat still answers as a repeat).
    expect(await refusal(c.submit(c.na, 'markets', 'Reconcile', 'm1'))).toBe('INVALID_STATE');
    expect(await refusal(submit(signed(meters.h3, readingOf('meter-h3', START, 10, 0))))).toBe('READING_LATE');
    expect(await submit(signed(meters.h1, readingOf('meter-h1', START, 0, 900)))).toMatchObject({ outcome: 'repeat' });
    const listed = await c.evaluate<{ items: { id: string }[] }>(c.na, 'markets', 'List', 'reconciled', '', '');
    expect(listed.items.map((m) => m.id)).toEqual(['m1']);
    const settled = await c.evaluate<{ items: { id: string }[] }>(c.na, 'markets', 'List', 'settled', '', '');
    expect(settled.items).toEqual([]);
  });

  it.each(['sdr', 'mmr', 'uniform', 'pay-as-bid'])('%s: X_s is each order\'s energy, and the reconciliation and every account sum to 0', async (mechanism) => {
    await settledMarket(`m-${mechanism}`, mechanism);
    now = DURING;
    await c.submit(c.na, 'readings', 'SubmitBatch', JSON.stringify([signed(meters.h1, readingOf('meter-h1', START, 30, 1234)), signed(meters.h3, readingOf('meter-h3', START, 77, 0))]));
    now = AFTER_WINDOW;
    const { reconciliation } = await c.submit<{ reconciliation: Recon }>(c.na, 'markets', 'Reconcile', `m-${mechanism}`);
    expect(reconciliation.entries.map((e) => [e.participantId, e.scheduledWh, e.meteredWh, e.imbalanceWh, e.estimated])).toEqual([
      ['h1', 1000, 1204, 204, false],
      ['h2', -2000, null, 0, true],
      ['h3', 0, -77, -77, false],
    ]);
    expect(reconciliation.entries.map((e) => e.amount)).toEqual([Math.round((204 * S) / 1000), 0, -Math.round((77 * B) / 1000)]);
    expect(reconciliation.entries.reduce((sum, e) => sum + e.amount, reconciliation.gridAmount)).toBe(0);
    // The ledger as a whole still sums to 0: every participant's balance and the grid's.
    let total = (await c.evaluate<{ balance: number }>(c.na, 'accounts', 'GetGrid', '', '')).balance;
    for (const id of ['h1', 'h2', 'h3', 'h4']) total += (await c.evaluate<{ balance: number }>(c.na, 'accounts', 'Get', id, '', '')).balance;
    expect(total).toBe(0);
  });

  it('refuses to reconcile a market that is not settled', async () => {
    await c.submit(c.na, 'markets', 'Create', JSON.stringify({ id: 'm0', deliveryStart: START, gridBuyPrice: B, gridSellPrice: S }));
    now = AFTER_WINDOW;
    expect(await refusal(c.submit(c.na, 'markets', 'Reconcile', 'm0'))).toBe('INVALID_STATE');
  });
});

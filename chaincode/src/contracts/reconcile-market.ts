/**
 * Reconciliation of a settled market against its meters (mechanisms.md §7), the body
 * of markets:Reconcile (`settled → reconciled`, once). For every participant with an
 * active meter: X_s = the energy its order was settled for (sell +, buy −; a rejected
 * order still traded all of it with the grid, market-rules §6), 0 with no order; X_m
 * = exportWh − importWh of the counted reading; one imbalance entry each and the
 * grid's balancing entry, in the same transaction that moves the status.
 */
import { Context } from 'fabric-contract-api';
import { LedgerError } from '../domain/errors';
import { GRID_ACCOUNT, Market, MarketEntry } from '../domain/model';
import { Meter } from '../domain/meter';
import { MeteredParticipant, reconcile } from '../domain/reconciliation';
import { entryOf, refuseClosedDay, writeEntry } from '../ledger/entries';
import { KEY } from '../ledger/keys';
import { activeRefs, loadMarket, requireStatus, saveMarket } from '../ledger/markets';
import { activeMeters, readingAt, Reconciliation } from '../ledger/meters';
import { read, readRequired, write } from '../ledger/state';
import { dayOf, emit, requireNa, txTime } from '../ledger/tx';

const MINUTE_MS = 60_000;

/** When a market's reading window ends: deliveryStart + durationMinutes + readingWindowMinutes. */
export function readingWindowEnd(m: Pick<Market, 'deliveryStart' | 'durationMinutes' | 'readingWindowMinutes'>): string {
  return new Date(Date.parse(m.deliveryStart) + (m.durationMinutes + m.readingWindowMinutes) * MINUTE_MS).toISOString();
}

/**
 * The reading that counts for a participant whose active meter is `active`: its own,
 * else, while the meter was registered after the interval began, its predecessor's
 * (a meter replaced after delivery still read that interval).
 */
async function countedReading(ctx: Context, active: Meter, start: string): Promise<{ meterId: string; meteredWh: number | null }> {
  let meter: Meter | undefined = active;
  while (meter) {
    const stored = await readingAt(ctx, meter.meterId, start);
    if (stored) return { meterId: meter.meterId, meteredWh: stored.reading.exportWh - stored.reading.importWh };
    if (meter.registeredAt <= start || meter.replaces === undefined) break;
    meter = await read<Meter>(ctx, KEY.meter, [meter.replaces]);
  }
  return { meterId: active.meterId, meteredWh: null };
}

function scheduledWh(entry: MarketEntry | undefined): number {
  if (!entry || entry.energyWh === undefined) return 0;
  return entry.side === 'sell' ? entry.energyWh : -entry.energyWh;
}

export async function reconcileMarket(ctx: Context, marketId: string): Promise<{ market: Market; reconciliation: Reconciliation }> {
  requireNa(ctx, 'reconcile markets');
  const market = await loadMarket(ctx, marketId);
  requireStatus(market, ['settled'], 'reconcile');
  const now = txTime(ctx);
  const windowEnd = readingWindowEnd(market);
  if (now < windowEnd) throw new LedgerError('INVALID_STATE', `cannot reconcile market ${market.id} before its reading window ends at ${windowEnd}`);
  const day = dayOf(now);
  await refuseClosedDay(ctx, day);

  const orders = new Map((await activeRefs(ctx, market)).map((r) => [r.participantId, r.orderId]));
  const participants: MeteredParticipant[] = [];
  for (const { participantId, meterId } of await activeMeters(ctx)) {
    const active = await readRequired<Meter>(ctx, KEY.meter, [meterId], `meter ${meterId}`);
    const orderId = orders.get(participantId);
    const entry = orderId === undefined ? undefined : await entryOf(ctx, market, participantId, orderId);
    participants.push({ participantId, scheduledWh: scheduledWh(entry), ...(await countedReading(ctx, active, market.deliveryStart)) });
  }
  const totals = reconcile(participants, market);
  for (const e of totals.entries) {
    await writeEntry(ctx, day, {
      kind: 'imbalance',
      marketId: market.id,
      participantId: e.participantId,
      meterId: e.meterId,
      scheduledWh: e.scheduledWh,
      meteredWh: e.meteredWh,
      estimated: e.estimated,
      internalWh: 0,
      gridWh: e.imbalanceWh,
      price: e.price,
      amount: e.amount,
      at: now,
    });
  }
  await writeEntry(ctx, day, { kind: 'imbalance', marketId: market.id, participantId: GRID_ACCOUNT, internalWh: 0, gridWh: totals.gridWh, price: null, amount: totals.gridAmount, at: now });
  const reconciliation: Reconciliation = { marketId: market.id, entries: totals.entries, gridAmount: totals.gridAmount, gridWh: totals.gridWh, reconciledAt: now };
  await write(ctx, KEY.reconciliation, [market.id], reconciliation);
  const reconciled: Market = { ...market, status: 'reconciled' };
  await saveMarket(ctx, market, reconciled);
  // Households see market.* events: the summary only, no one's amounts.
  emit(ctx, 'market.reconciled', {
    market: reconciled,
    reconciliation: { gridAmount: totals.gridAmount, gridWh: totals.gridWh, participants: totals.entries.length, estimated: totals.entries.filter((e) => e.estimated).length },
  });
  return { market: reconciled, reconciliation };
}

/** The stored reconciliation; RESULT_NOT_AVAILABLE before the market is reconciled. */
export async function reconciliationOf(ctx: Context, marketId: string): Promise<Reconciliation> {
  const market = await loadMarket(ctx, marketId);
  const stored = await read<Reconciliation>(ctx, KEY.reconciliation, [market.id]);
  if (!stored) throw new LedgerError('RESULT_NOT_AVAILABLE', `market ${market.id} is ${market.status}: no reconciliation yet`);
  return stored;
}

/**
 * Drives one simulation through the gateway exactly as api.md describes: the NA
 * registers every home (each gets its own token), then for every hour the NA
 * creates and opens the market with that hour's tariffs, every home with a surplus
 * or a deficit places one order (with a client order id, so retries are safe),
 * cautious homes may amend after reading the order book, and the NA closes
 * (clearing + settlement on the ledger). Homes order from a forecast (forecast.ts)
 * and deliver the actual profile; with metering, each home's meter is registered at
 * the start, and after each market settles every home's signed reading of the hour is
 * submitted in batches (a head-end) and the NA reconciles the market (mechanisms.md §7).
 * Balances are read back at the end.
 */
import { BatteryPolicy, KEEP_HORIZON_HOURS, keepWh } from '../agent/battery-policy';
import { netPosition } from '../agent/position';
import { predictPrices } from '../agent/predict';
import { amendment, orderFor, Strategy } from '../agent/strategy';
import { Community } from '../fixtures/household';
import { hourSlots } from '../fixtures/series';
import { tariffAt, TariffKind } from '../fixtures/tariffs';
import { GatewayApi } from '../gateway/api';
import { mapPool } from '../util/pool';
import { shiftDemand } from './demand-response';
import { ForecastErrorModel, forecastInputs } from './forecast';
import { MeterBank, submitReadings } from './metering';
import { planInputs } from './plan';
import { HomeHour, HomeSetup, HourRecord, RunRecord } from './record';
import { Scenario } from './scenario';
import { priceSignal } from './signal';
import { Mechanism } from './mechanism';

export interface RunOptions {
  community: Community;
  scenario: Scenario;
  date: string;
  /** Local hour of `date` the first market delivers (default 0, midnight). */
  fromHour?: number;
  hours: number;
  tariff: TariffKind;
  strategy: Strategy;
  seed: number;
  ledger: RunRecord['config']['ledger'];
  /** Prefix for participant and market ids, so runs can share a gateway. */
  idPrefix: string;
  /** Requests in flight at once. */
  concurrency: number;
  /** The orders' forecast error (default none: orders match delivery). */
  forecastError?: ForecastErrorModel;
  /** Register meters, submit readings and reconcile every market (default off). */
  metering?: boolean;
  /** Readings per POST /v1/readings batch (default 100). */
  readingBatch?: number;
  /** How every market clears (default sdr). */
  mechanism?: Mechanism;
  /** What the batteries may do (default self: serve their home only). */
  batteryPolicy?: BatteryPolicy;
  /** Share of each home's daily demand that moves toward cheap hours (default 0). */
  demandResponse?: number;
  onHour?: (done: number, total: number, hour: HourRecord) => void;
  onStage?: (stage: string) => void;
}

/** Market id for an hour: prefix + compact UTC start, e.g. "m-2026062021". */
export function marketId(prefix: string, deliveryStart: string): string {
  return `${prefix}m-${deliveryStart.slice(0, 13).replace(/[-T:]/g, '')}`;
}

export async function runSimulation(api: GatewayApi, adminToken: string, o: RunOptions): Promise<RunRecord> {
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  let requests = 0;
  const count = <T>(p: Promise<T>) => {
    requests++;
    return p;
  };
  // The plan looks a day past the last market, so the last evening's battery sees the next morning.
  const planned = hourSlots(o.date, o.hours + KEEP_HORIZON_HOURS, o.fromHour ?? 0);
  const slots = planned.slice(0, o.hours);
  const profile = planInputs(o.community, o.scenario, planned, o.seed);
  const signal = priceSignal(profile, planned, o.tariff);
  const demandResponse = o.demandResponse ?? 0;
  const inputs = demandResponse > 0 ? shiftDemand(profile, planned, signal.map((p) => p.buyPrice), demandResponse) : profile;
  const forecastError = o.forecastError ?? 'none';
  const forecasts = forecastInputs(inputs, planned, o.seed, forecastError);
  const metering = o.metering ?? false;
  const mechanism = o.mechanism ?? 'sdr';
  const batteryPolicy = o.batteryPolicy ?? 'self';
  const homes: HomeSetup[] = o.community.households.map((h) => ({
    ...h,
    participantId: `${o.idPrefix}${h.id}`,
    scenarioPvKwp: o.scenario.pvKwp(h),
    scenarioBatteryWh: o.scenario.battery(h)?.capacityWh ?? 0,
  }));

  o.onStage?.(`registering ${homes.length} households`);
  const tokens = new Map<string, string>();
  await mapPool(homes, o.concurrency, async (h) => {
    const r = await count(
      api.registerParticipant(adminToken, {
        id: h.participantId,
        name: h.name,
        kind: h.scenarioPvKwp > 0 ? 'prosumer' : 'consumer',
        pvKwp: h.scenarioPvKwp,
        batteryKwh: h.scenarioBatteryWh / 1000,
        lot: h.lot,
      }),
    );
    tokens.set(h.id, r.token);
  });

  let bank: MeterBank | undefined;
  if (metering) {
    o.onStage?.(`registering ${homes.length} meters`);
    bank = await MeterBank.create(homes);
    await bank.register(api, adminToken, homes, o.concurrency, count);
  }

  const soc = new Map(homes.map((h) => [h.id, 0]));
  const hours: HourRecord[] = [];
  for (const slot of slots) {
    const tariff = tariffAt(o.tariff, slot.localHour);
    const id = marketId(o.idPrefix, slot.deliveryStart);
    await count(
      api.createMarket(adminToken, {
        id,
        deliveryStart: slot.deliveryStart,
        durationMinutes: 60,
        // The simulated window lies in the ledger clock's past, so readings are accepted and
        // reconciliation is allowed as soon as the market settles; no wait is needed.
        ...(metering ? { readingWindowMinutes: 0 } : {}),
        ...(mechanism === 'sdr' ? {} : { mechanism }),
        gridBuyPrice: tariff.gridBuyPrice,
        gridSellPrice: tariff.gridSellPrice,
      }),
    );
    await count(api.openMarket(adminToken, id));

    const rows: HomeHour[] = homes.map((h) => {
      // The order comes from the forecast, the battery and the meter follow what actually happens.
      const battery = o.scenario.battery(h);
      const socWh = soc.get(h.id)!;
      // A trading battery decides what to keep from the home's forecast; it then follows what actually happens.
      const keep = batteryPolicy === 'trade' && battery ? keepWh(battery, forecasts.get(h.id)!, signal, slot.index) : undefined;
      const position = netPosition(inputs.get(h.id)![slot.index], battery, socWh, keep);
      const forecast = forecastError === 'none' ? position : netPosition(forecasts.get(h.id)![slot.index], battery, socWh, keep);
      soc.set(h.id, position.battery.socAfterWh);
      return { id: h.id, position, ...(forecastError === 'none' ? {} : { forecast }), intent: orderFor(forecast, tariff, o.strategy) };
    });
    const ordering = rows.filter((r) => r.intent);
    await mapPool(ordering, o.concurrency, async (r) => {
      const placed = await count(
        api.placeOrder(tokens.get(r.id)!, id, { ...r.intent!, clientOrderId: `${r.id}-h${slot.index}` }),
      );
      r.orderId = placed.order.id;
    });

    let predicted;
    // The amendment predicts SDR's loop; under the other mechanisms the margin limits always cross (docs/study.md).
    if (o.strategy.name === 'margin' && mechanism === 'sdr' && ordering.length > 0) {
      const book = await count(api.orderBook(adminToken, id));
      predicted = predictPrices(book.sell.levels, book.buy.levels, tariff);
      const p = predicted;
      const amends = ordering.map((r) => ({ r, limit: amendment(r.intent!, tariff, p) })).filter((a) => a.limit !== null);
      await mapPool(amends, o.concurrency, async ({ r, limit }) => {
        await count(api.amendOrder(tokens.get(r.id)!, id, r.orderId!, { limitPrice: limit! }));
        r.amendedLimit = limit!;
      });
    }

    const { result } = await count(api.closeMarket(adminToken, id));
    const byOrder = new Map(result.allocations.map((a) => [a.orderId, a]));
    for (const r of ordering) r.allocation = byOrder.get(r.orderId!);

    let metered: Pick<HourRecord, 'readings' | 'reconciliation'> = {};
    if (bank) {
      const readings = await submitReadings(api, bank.sign(slot, rows), o.readingBatch ?? 100, o.concurrency, count);
      const { reconciliation } = await count(api.reconcileMarket(adminToken, id));
      metered = { readings, reconciliation };
    }
    const hour: HourRecord = {
      index: slot.index,
      deliveryStart: slot.deliveryStart,
      localDate: slot.localDate,
      localHour: slot.localHour,
      tariff,
      marketId: id,
      predicted,
      homes: rows,
      result,
      ...metered,
    };
    hours.push(hour);
    o.onHour?.(hours.length, slots.length, hour);
  }

  o.onStage?.('reading accounts');
  const balances: Record<string, number> = {};
  await mapPool(homes, o.concurrency, async (h) => {
    balances[h.id] = (await count(api.account(tokens.get(h.id)!, h.participantId))).balance;
  });
  let gridBalance: number | null = null;
  try {
    gridBalance = (await count(api.gridAccount(adminToken))).balance;
  } catch {
    // The grid account is an extra; a gateway without it still gives a complete run.
  }

  return {
    config: {
      community: o.community.name,
      scenario: o.scenario.id,
      scenarioTitle: o.scenario.title,
      date: o.date,
      fromHour: o.fromHour ?? 0,
      hours: o.hours,
      tariff: o.tariff,
      strategy: o.strategy.name,
      margin: o.strategy.margin,
      seed: o.seed,
      ledger: o.ledger,
      forecastError,
      metering,
      mechanism,
      batteryPolicy,
      demandResponse,
    },
    homes,
    hours,
    ledger: { balances, gridBalance },
    timing: { startedAt, wallMs: Math.round(performance.now() - t0), httpRequests: requests },
  };
}

/**
 * The simulator's meters and head-end: one meter per home (its own P-256 key, held in
 * memory by the bank, never written to disk), registered by the NA at the start; after
 * each market settles, every home's signed reading of that hour, submitted in batches.
 */
import { HourSlot } from '../fixtures/series';
import { GatewayApi } from '../gateway/api';
import { ReadingResult } from '../gateway/types';
import { createMeter, Meter, signReading } from '../meter/meter';
import { SignedReading } from '../meter/reading';
import { mapPool } from '../util/pool';
import { readingOf } from './delivery';
import { HomeHour, HomeSetup, ReadingTally } from './record';

/** A home's meter id: "m-" + its participant id. */
export const meterIdOf = (participantId: string) => `m-${participantId}`;


export class MeterBank {
  private constructor(private readonly meters: Map<string, Meter>) {}

  /** A fresh meter per home, keyed by home id. */
  static async create(homes: readonly HomeSetup[]): Promise<MeterBank> {
    const meters = new Map<string, Meter>();
    for (const h of homes) meters.set(h.id, await createMeter(meterIdOf(h.participantId)));
    return new MeterBank(meters);
  }

  meterOf(homeId: string): Meter {
    const m = this.meters.get(homeId);
    if (!m) throw new Error(`no meter for home ${homeId}`);
    return m;
  }

  /** The NA registers every meter's certificate for its home (POST /v1/meters). */
  async register(api: GatewayApi, admin: string, homes: readonly HomeSetup[], concurrency: number, count: <T>(p: Promise<T>) => Promise<T>): Promise<void> {
    await mapPool(homes, concurrency, async (h) => {
      const m = this.meterOf(h.id);
      await count(api.registerMeter(admin, { meterId: m.meterId, participantId: h.participantId, certificate: m.certificatePem }));
    });
  }

  /** Every home's signed reading of the hour, in the homes' order. */
  sign(slot: Pick<HourSlot, 'deliveryStart' | 'index'>, rows: readonly Pick<HomeHour, 'id' | 'position'>[]): SignedReading[] {
    return rows.map((r) => {
      const m = this.meterOf(r.id);
      return signReading(m, readingOf(m.meterId, slot, r.position));
    });
  }
}

/** Submits the readings in batches of `batchSize` (one transaction each) and tallies the answers. */
export async function submitReadings(
  api: GatewayApi,
  readings: readonly SignedReading[],
  batchSize: number,
  concurrency: number,
  count: <T>(p: Promise<T>) => Promise<T>,
): Promise<ReadingTally> {
  const batches: SignedReading[][] = [];
  for (let i = 0; i < readings.length; i += batchSize) batches.push(readings.slice(i, i + batchSize));
  const tally: ReadingTally = { submitted: readings.length, batches: batches.length, created: 0, repeated: 0, refused: {} };
  await mapPool(batches, concurrency, async (b) => {
    const results: ReadingResult[] = await count(api.submitReadings(b));
    for (const r of results) {
      if (r.status === 201) tally.created++;
      else if (r.status === 200) tally.repeated++;
      else {
        const code = r.code ?? String(r.status);
        tally.refused[code] = (tally.refused[code] ?? 0) + 1;
      }
    }
  });
  return tally;
}

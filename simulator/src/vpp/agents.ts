/**
 * The VPP of seed 003's Fig. 1: twelve agents, namely nine consumer/prosumer agents,
 * a large energy storage system, a diesel generator, and the P2P energy trading
 * coordinator (P2P_ETC), which on our ledger is the network administrator (NA) and so
 * not a participant. The text lost the figure; how the agents split the VPP's totals
 * is our assumption (documented in docs/vpp-study.md): six prosumers generate
 * (solar and wind: the VPP generates 503 kW at 03:00), three consumers do not, and
 * every hour each agent's share of TG and TL is drawn from the seeded PRNG.
 */
import { deriveSeed, mulberry32, uniform } from '../util/prng';
import { kwToWh, SeedCase } from './seed-tables';

export interface HouseholdAgent {
  /** Participant id suffix (the run's id prefix goes in front). */
  key: string;
  name: string;
  kind: 'prosumer' | 'consumer';
  generates: boolean;
}

export const HOUSEHOLDS: readonly HouseholdAgent[] = [
  ...Array.from({ length: 6 }, (_, i): HouseholdAgent => ({ key: `a${String(i + 1).padStart(2, '0')}`, name: `VPP prosumer ${i + 1}`, kind: 'prosumer', generates: true })),
  ...Array.from({ length: 3 }, (_, i): HouseholdAgent => ({ key: `a${String(i + 7).padStart(2, '0')}`, name: `VPP consumer ${i + 1}`, kind: 'consumer', generates: false })),
];

export const ESS_KEY = 'ess';
export const DIESEL_KEY = 'diesel';

/** The seed 003 replay's default PRNG seed. */
export const VPP_SEED = 3003;

/** Splits `totalWh` over `weights` exactly (largest remainder, ties by index). */
export function splitWh(totalWh: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (!(sum > 0)) throw new RangeError('weights must sum to more than 0');
  const exact = weights.map((w) => (totalWh * w) / sum);
  const out = exact.map(Math.floor);
  let left = totalWh - out.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, frac: x - Math.floor(x) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    out[i] = (out[i] as number) + 1;
    left -= 1;
  }
  return out;
}

export interface AgentHour {
  key: string;
  generationWh: number;
  loadWh: number;
  /** generation − load: > 0 a surplus to sell, < 0 a need to buy. */
  netWh: number;
}

/** Each household's generation and load in a case's hour; they sum exactly to Table 3's TG and TL. */
export function householdHours(c: SeedCase, seed: number): AgentHour[] {
  const weight = (what: string, key: string) => uniform(mulberry32(deriveSeed(seed, what, c.id, key)), 0.5, 1.5);
  const generators = HOUSEHOLDS.filter((h) => h.generates);
  const gen = splitWh(kwToWh(c.tgKw), generators.map((h) => weight('generation', h.key)));
  const load = splitWh(kwToWh(c.tlKw), HOUSEHOLDS.map((h) => weight('load', h.key)));
  return HOUSEHOLDS.map((h, i) => {
    const g = h.generates ? (gen[generators.indexOf(h)] as number) : 0;
    const l = load[i] as number;
    return { key: h.key, generationWh: g, loadWh: l, netWh: g - l };
  });
}

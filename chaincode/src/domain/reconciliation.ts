/**
 * Reconciliation of a settled market against metered delivery (mechanisms.md §7):
 * Δ = X_m − X_s per metered participant, credited at S or charged at B, and the
 * grid's balancing amount, so the whole reconciliation sums to 0. Integers only;
 * amounts rounded half up as every other amount of the ledger.
 */
import { LedgerError } from './errors';
import { divRoundHalfUp } from './rational';

/** One metered participant before reconciliation. */
export interface MeteredParticipant {
  participantId: string;
  /** The meter whose reading counts (or the active one, when none was read). */
  meterId: string;
  /** X_s: the energy its settlement scheduled, + export (sell) / − import (buy), 0 with no order. */
  scheduledWh: number;
  /** X_m = exportWh − importWh, or null when the reading is missing (Δ estimated as 0). */
  meteredWh: number | null;
}

export interface ReconciliationEntry {
  participantId: string;
  meterId: string;
  scheduledWh: number;
  meteredWh: number | null;
  /** Δ = X_m − X_s (0 when estimated). */
  imbalanceWh: number;
  /** Balance change in µ: Δ > 0 credited round(Δ·S/1000), Δ < 0 charged round(−Δ·B/1000). */
  amount: number;
  /** S for Δ > 0, B for Δ < 0, null for Δ = 0. */
  price: number | null;
  estimated: boolean;
}

export interface ReconciliationTotals {
  entries: ReconciliationEntry[];
  /** The grid's balancing amount: −Σ amount. */
  gridAmount: number;
  /** The grid's energy, as the market's grid entry counts it (what the grid supplied): −Σ Δ. */
  gridWh: number;
}

function safe(n: bigint, what: string): number {
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new LedgerError('ARITHMETIC_OVERFLOW', `${what} exceeds the safe integer range`);
  }
  return Number(n);
}

/** The money for an imbalance Δ (Wh) at tariffs S < B (µ/kWh), and the price applied. */
export function imbalanceAmount(imbalanceWh: number, tariff: { gridBuyPrice: number; gridSellPrice: number }): { amount: number; price: number | null } {
  if (imbalanceWh > 0) {
    return { amount: safe(divRoundHalfUp(BigInt(imbalanceWh) * BigInt(tariff.gridSellPrice), 1000n), 'imbalance credit'), price: tariff.gridSellPrice };
  }
  if (imbalanceWh < 0) {
    return { amount: -safe(divRoundHalfUp(BigInt(-imbalanceWh) * BigInt(tariff.gridBuyPrice), 1000n), 'imbalance charge'), price: tariff.gridBuyPrice };
  }
  return { amount: 0, price: null };
}

/** Every metered participant's entry, in the order given, and the grid's balance. */
export function reconcile(participants: readonly MeteredParticipant[], tariff: { gridBuyPrice: number; gridSellPrice: number }): ReconciliationTotals {
  let total = 0n;
  let totalWh = 0n;
  const entries = participants.map((p): ReconciliationEntry => {
    const imbalanceWh = p.meteredWh === null ? 0 : safe(BigInt(p.meteredWh) - BigInt(p.scheduledWh), 'imbalance');
    const { amount, price } = imbalanceAmount(imbalanceWh, tariff);
    total += BigInt(amount);
    totalWh += BigInt(imbalanceWh);
    return { participantId: p.participantId, meterId: p.meterId, scheduledWh: p.scheduledWh, meteredWh: p.meteredWh, imbalanceWh, amount, price, estimated: p.meteredWh === null };
  });
  return { entries, gridAmount: safe(-total, 'grid imbalance amount'), gridWh: safe(-totalWh, 'grid imbalance energy') };
}

/**
 * Scheduled against metered delivery (mechanisms.md §7), pure: X_s from the home's
 * order, X_m and the reading from what actually happened behind its meter.
 */
import { Position } from '../agent/position';
import { HourSlot } from '../fixtures/series';
import { Reading } from '../meter/reading';
import { HomeHour } from './record';

/** X_s: the energy the market scheduled for the home, + export (sell) / − import (buy), 0 with no order. */
export function scheduledWh(h: Pick<HomeHour, 'intent'>): number {
  if (!h.intent) return 0;
  return h.intent.side === 'sell' ? h.intent.energyWh : -h.intent.energyWh;
}

/** X_m: what the meter measured, exportWh − importWh. */
export const meteredWh = (p: Pick<Position, 'exportWh' | 'importWh'>) => p.exportWh - p.importWh;

/** The meter's reading of one hour: exactly the market's interval, the home's actual flows at the meter. */
export function readingOf(meterId: string, slot: Pick<HourSlot, 'deliveryStart' | 'index'>, p: Pick<Position, 'exportWh' | 'importWh'>): Reading {
  return { meterId, intervalStart: slot.deliveryStart, intervalMinutes: 60, importWh: p.importWh, exportWh: p.exportWh, seq: slot.index + 1 };
}

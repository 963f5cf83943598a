/**
 * Seed 003's case data (Seven et al. 2020, `../shared/seeds/003_6ef1bb86f759f3e5.txt`,
 * §V): Table 3's four hours of the Perth day with their total generation (TG) and total
 * load (TL), Table 2's overview of the cases, and Table 4's recommended running schemes.
 * Copied as printed; the kW figures are hourly averages, so one hour carries as many kWh.
 */

export type CaseId = 'I' | 'II' | 'III' | 'IV';

export interface SeedCase {
  id: CaseId;
  /** Local time in Perth (AWST, UTC+8) of the hour. */
  time: string;
  tgKw: number;
  tlKw: number;
  /** Table 3's "TG + Backup − TL" (kW). */
  tgBackupMinusTlKw: number;
  /** Table 3's "TG − TL" (kW). */
  tgMinusTlKw: number;
}

/** Table 3, in the day's order (as the seed prints it). */
export const TABLE_3: readonly SeedCase[] = [
  { id: 'IV', time: '03:00', tgKw: 502.9069, tlKw: 518.8, tgBackupMinusTlKw: 0, tgMinusTlKw: -15.893 },
  { id: 'II', time: '08:00', tgKw: 551.3342, tlKw: 536.4, tgBackupMinusTlKw: 0, tgMinusTlKw: 14.9342 },
  { id: 'III', time: '13:00', tgKw: 850.872, tlKw: 479.0, tgBackupMinusTlKw: 331.872, tgMinusTlKw: 371.872 },
  { id: 'I', time: '21:00', tgKw: 476.1627, tlKw: 694.6, tgBackupMinusTlKw: -178.4372, tgMinusTlKw: -218.4372 },
];

export interface CaseOverview {
  essStatus: 'short' | 'charged';
  satisfyingDemand: string;
  charging: 'discharging' | 'charging needed' | 'charging';
}

/** Table 2, "Overview of cases". */
export const TABLE_2: Readonly<Record<CaseId, CaseOverview>> = {
  I: { essStatus: 'short', satisfyingDemand: 'not enough', charging: 'discharging' },
  II: { essStatus: 'short', satisfyingDemand: 'just enough', charging: 'charging needed' },
  III: { essStatus: 'charged', satisfyingDemand: 'enough', charging: 'charging' },
  IV: { essStatus: 'charged', satisfyingDemand: 'just enough', charging: 'discharging' },
};

export type Recommendation = 'Recommended' | 'Strongly Recommended' | 'Optional' | 'To Reduce Penalties' | 'Not Recommended';

/** Table 4, "Recommended running schemes". */
export const TABLE_4: Readonly<Record<CaseId, { RS1: Recommendation; RS2: Recommendation; RS3: Recommendation }>> = {
  I: { RS1: 'Recommended', RS2: 'To Reduce Penalties', RS3: 'Recommended' },
  II: { RS1: 'Optional', RS2: 'Recommended', RS3: 'Optional' },
  III: { RS1: 'Optional', RS2: 'Strongly Recommended', RS3: 'Optional' },
  IV: { RS1: 'Optional', RS2: 'Not Recommended', RS3: 'Recommended' },
};

/** An hour's kW (one-hour average) as integer Wh over that hour. */
export const kwToWh = (kw: number): number => Math.round(kw * 1000);

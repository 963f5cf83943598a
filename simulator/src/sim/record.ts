/** What one simulation run observed: the input of every report, chart and check. */
import { OrderIntent, PredictedPrices, StrategyName } from '../agent/strategy';
import { Position } from '../agent/position';
import { Household } from '../fixtures/household';
import { Tariff, TariffKind } from '../fixtures/tariffs';
import { Allocation, MarketResult, Reconciliation } from '../gateway/types';
import { ForecastErrorModel } from './forecast';
import { BatteryPolicy } from '../agent/battery-policy';
import { Mechanism } from './mechanism';
import { ScenarioId } from './scenario';

export interface RunConfig {
  community: string;
  scenario: ScenarioId;
  scenarioTitle: string;
  date: string;
  fromHour: number;
  hours: number;
  tariff: TariffKind;
  strategy: StrategyName;
  margin: number;
  seed: number;
  ledger: 'embedded' | 'fabric' | 'external';
  /** How the orders' forecast differs from delivery (absent in runs made before metering: none). */
  forecastError?: ForecastErrorModel;
  /** Meters registered, readings submitted and markets reconciled (absent before metering: off). */
  metering?: boolean;
  /** How the markets cleared (absent in runs made before issue 15: sdr). */
  mechanism?: Mechanism;
  /** Battery policy (absent before issue 15: self). */
  batteryPolicy?: BatteryPolicy;
  /** Share of daily demand shifted by demand response (absent before issue 15: 0). */
  demandResponse?: number;
}

export interface HomeSetup extends Household {
  participantId: string;
  /** PV and battery of the scenario (may differ from the fixture's). */
  scenarioPvKwp: number;
  scenarioBatteryWh: number;
}

export interface HomeHour {
  id: string;
  /** What happened: the actual PV and demand behind the meter (delivery, the reading). */
  position: Position;
  /** What the home expected when it ordered (same SoC at the start); absent when the forecast is exact. */
  forecast?: Position;
  /** The order, from the forecast. */
  intent: OrderIntent | null;
  orderId?: string;
  /** Limit after the order-book amendment, when the home amended. */
  amendedLimit?: number;
  allocation?: Allocation;
}

export interface HourRecord {
  index: number;
  deliveryStart: string;
  localDate: string;
  localHour: number;
  tariff: Tariff;
  marketId: string;
  predicted?: PredictedPrices;
  homes: HomeHour[];
  result: MarketResult;
  /** With metering: how the hour's readings were answered, and the market's reconciliation. */
  readings?: ReadingTally;
  reconciliation?: Reconciliation;
}

export interface ReadingTally {
  submitted: number;
  batches: number;
  /** 201: new; 200: the same reading again. */
  created: number;
  repeated: number;
  /** Refusals by code (BAD_SIGNATURE, READING_CONFLICT, READING_LATE, …). */
  refused: Record<string, number>;
}

export interface RunRecord {
  config: RunConfig;
  homes: HomeSetup[];
  hours: HourRecord[];
  /** Balances read back from the ledger after the last market (µ). */
  ledger: { balances: Record<string, number>; gridBalance: number | null };
  timing: { startedAt: string; wallMs: number; httpRequests: number };
}

/** What one simulation run observed: the input of every report, chart and check. */
import { OrderIntent, PredictedPrices, StrategyName } from '../agent/strategy';
import { Position } from '../agent/position';
import { Household } from '../fixtures/household';
import { Tariff, TariffKind } from '../fixtures/tariffs';
import { Allocation, MarketResult } from '../gateway/types';
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
}

export interface HomeSetup extends Household {
  participantId: string;
  /** PV and battery of the scenario (may differ from the fixture's). */
  scenarioPvKwp: number;
  scenarioBatteryWh: number;
}

export interface HomeHour {
  id: string;
  position: Position;
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
}

export interface RunRecord {
  config: RunConfig;
  homes: HomeSetup[];
  hours: HourRecord[];
  /** Balances read back from the ledger after the last market (µ). */
  ledger: { balances: Record<string, number>; gridBalance: number | null };
  timing: { startedAt: string; wallMs: number; httpRequests: number };
}

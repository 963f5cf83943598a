/** Shapes of the gateway REST API v1 (shared/spec/api.md) that the simulator uses. */
export interface Participant {
  id: string;
  name: string;
  kind: 'prosumer' | 'consumer' | 'storage' | 'res-owner' | 'generator';
  status: string;
  pvKwp?: number;
  batteryKwh?: number;
  lot?: number;
}

export interface Market {
  id: string;
  status: string;
  deliveryStart: string;
  durationMinutes: number;
  gridBuyPrice: number;
  gridSellPrice: number;
  mechanism: string;
}

export interface Order {
  id: string;
  marketId: string;
  participantId: string;
  side: 'buy' | 'sell';
  energyWh: number;
  limitPrice: number;
  status: string;
  revision: number;
}

export interface Allocation {
  orderId: string;
  participantId: string;
  side: 'buy' | 'sell';
  status: 'accepted' | 'rejected';
  energyWh: number;
  internalWh: number;
  gridWh: number;
  /** The order's average price per internal kWh, null when internalWh = 0 (mechanisms.md §1). */
  price?: number | null;
  amount: number;
}

export interface MarketResult {
  marketId: string;
  mechanism: string;
  sdr: { supplyWh: number; demandWh: number; ratio: string | number | null };
  /** The price of every internal kWh (mechanisms.md §1); null for pay-as-bid and when nothing traded (absent from older gateways). */
  internalPrice?: number | null;
  /** SDR: Ps and Pb; the other mechanisms: the accepted sides' average price, null without one (mechanisms.md §1). */
  sellPrice: number | null;
  buyPrice: number | null;
  internalWh: number;
  gridImportWh: number;
  gridExportWh: number;
  allocations: Allocation[];
  gridAmount: number;
}

export interface Account {
  participantId: string;
  balance: number;
  entries: unknown[];
}

export interface BookSide {
  totalWh: number;
  levels: { price: number; energyWh: number; orders?: number }[];
}

export interface OrderBook {
  marketId: string;
  buy: BookSide;
  sell: BookSide;
}

export interface Meter {
  meterId: string;
  participantId: string;
  certificate: string;
  status?: string;
}

/** One item's answer in a reading batch: the status and code a single reading would get. */
export interface ReadingResult {
  status: number;
  code?: string;
  detail?: string;
  [k: string]: unknown;
}

/** One participant's line of a reconciliation (mechanisms.md §7). */
export interface ReconciliationEntry {
  participantId: string;
  meterId: string;
  scheduledWh: number;
  meteredWh: number | null;
  imbalanceWh: number;
  amount: number;
  price?: number | null;
  estimated: boolean;
}

export interface Reconciliation {
  entries: ReconciliationEntry[];
  gridAmount: number;
}

/** RFC 9457 problem details. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  errors?: { path: string; message: string }[];
}

/**
 * The ledger's records. Units follow market-rules.md §1: energy in Wh, prices in
 * µ/kWh, money in µ, all integers; times are RFC 3339 UTC strings taken from the
 * transaction timestamp.
 */

/** `storage` (an energy storage system) and `generator` (e.g. a diesel set) are the VPP's agents (seed 003). */
export const PARTICIPANT_KINDS = ['prosumer', 'consumer', 'storage', 'res-owner', 'generator'] as const;
export type ParticipantKind = (typeof PARTICIPANT_KINDS)[number];

export const PARTICIPANT_STATUSES = ['pending', 'approved', 'rejected', 'suspended'] as const;
export type ParticipantStatus = (typeof PARTICIPANT_STATUSES)[number];

export const DWELLING_TYPES = ['villa', 'flat'] as const;
export type DwellingType = (typeof DWELLING_TYPES)[number];

export interface Participant {
  id: string;
  name: string;
  kind: ParticipantKind;
  status: ParticipantStatus;
  /** PV capacity in watts-peak (integer); the API's pvKwp is this / 1000. */
  pvWp?: number;
  /** Battery capacity in Wh (integer); the API's batteryKwh is this / 1000. */
  batteryWh?: number;
  lot?: number;
  dwelling?: DwellingType;
  /**
   * `${mspId}::${x509 id}` of the one client identity that acts for this participant;
   * absent while a household registered for self-enrolment has not enrolled yet.
   */
  identity?: string;
  /**
   * Hex SHA-256 of the bound certificate's SubjectPublicKeyInfo, when the household bound
   * the identity with its own transaction (Apply, Enrol): only that key acts for it, so a
   * second certificate with the same subject (a CA's re-enrolment) cannot.
   */
  publicKey?: string;
  registeredAt: string;
  updatedAt: string;
}

/**
 * How a market turns its book into trades and prices (market-rules §5, mechanisms.md
 * §2–§4). Each one is a file of its own under domain/mechanisms/.
 */
export const MECHANISMS = ['sdr', 'mmr', 'uniform', 'pay-as-bid'] as const;
export type Mechanism = (typeof MECHANISMS)[number];

/** `reconciled`: a settled market whose metered delivery has been settled against its trades (mechanisms.md §7). */
export const MARKET_STATUSES = ['scheduled', 'open', 'closed', 'settled', 'reconciled', 'cancelled'] as const;
export type MarketStatus = (typeof MARKET_STATUSES)[number];

export interface Market {
  id: string;
  status: MarketStatus;
  deliveryStart: string;
  durationMinutes: number;
  /** B: what the community pays the grid per kWh imported (µ/kWh). */
  gridBuyPrice: number;
  /** S: what the grid pays per kWh exported (µ/kWh). */
  gridSellPrice: number;
  mechanism: Mechanism;
  /** Per-order energy cap (Wh); market-rules §1 default 1,000,000. */
  maxOrderWh: number;
  /** How long after delivery meter readings are accepted (mechanisms §7). */
  readingWindowMinutes: number;
  createdAt: string;
  openedAt?: string;
  /** Gate closure: from here on no order changes. */
  closedAt?: string;
  /** Clearing and settlement; its day dates the settlement entries. */
  settledAt?: string;
  cancelledAt?: string;
}

export type Side = 'buy' | 'sell';
export const ORDER_STATUSES = ['open', 'cancelled', 'accepted', 'rejected'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface Order {
  id: string;
  marketId: string;
  participantId: string;
  side: Side;
  energyWh: number;
  /** Effective limit (µ/kWh): the submitted one, or S for a sell / B for a buy. */
  limitPrice: number;
  /** Whether the household gave a limit (false: the tariff default applies). */
  limitGiven: boolean;
  clientOrderId?: string;
  status: OrderStatus;
  /** Why a cancelled order was cancelled: by its owner, or with its market. */
  cancelledBy?: 'owner' | 'market';
  revision: number;
  createdAt: string;
  updatedAt: string;
}

export interface Allocation {
  orderId: string;
  participantId: string;
  side: Side;
  status: 'accepted' | 'rejected';
  energyWh: number;
  internalWh: number;
  gridWh: number;
  /** Average price per internal kWh (µ/kWh), from the settled integers; null when nothing traded internally. */
  price: number | null;
  /** Balance change in µ: negative = pays. */
  amount: number;
}

export interface MarketResult {
  marketId: string;
  mechanism: Mechanism;
  /**
   * The price of every internally traded kWh (µ/kWh): for SDR always Ps; null for
   * pay-as-bid and wherever nothing traded internally (mechanisms.md §1).
   */
  internalPrice: number | null;
  sdr: {
    supplyWh: number;
    demandWh: number;
    /** Exact TS/TD as "TS/TD" in lowest terms; null when there is no demand. */
    fraction: string | null;
    /** TS/TD as a decimal string with 6 places, halves up; null when there is no demand. */
    ratio: string | null;
  };
  /** SDR: Ps, rounded to µ/kWh (halves up). Other mechanisms: the accepted sellers' average µ/kWh, null without one. */
  sellPrice: number | null;
  /** SDR: Pb, rounded to µ/kWh (halves up). Other mechanisms: the accepted buyers' average µ/kWh, null without one. */
  buyPrice: number | null;
  /** Number of rounds SDR's limit-price loop ran; 1 for the single-pass mechanisms. */
  rounds: number;
  internalWh: number;
  gridImportWh: number;
  gridExportWh: number;
  allocations: Allocation[];
  gridAmount: number;
  closedAt: string;
}

/** What every settlement entry carries: whose account, the energy and the money (negative = pays). */
interface EntryBase {
  participantId: string;
  internalWh: number;
  gridWh: number;
  price: number | null;
  amount: number;
  at: string;
}

/**
 * The one stored copy of an order's outcome: what it traded and what it cost. A
 * market's result lists its allocations by reading these.
 */
export interface MarketEntry extends EntryBase {
  kind: 'market';
  marketId: string;
  /** The order settled; "" for the grid's balancing entry. */
  orderId: string;
  /** The order's side; "grid" for the grid's balancing entry. */
  side: Side | 'grid';
  /** The order's outcome; absent on the grid's entry. */
  status?: 'accepted' | 'rejected';
  /** The order's energy at clearing; absent on the grid's entry. */
  energyWh?: number;
  /** Energy traded with the grid; for the grid's entry, community import minus export. */
  gridWh: number;
  /** Average price per internal kWh (µ/kWh), as the allocation's; on the grid's entry the result's internalPrice (SDR: P). */
  price: number | null;
}

/** An English auction's close (mechanisms.md §5): the winner pays, the owner (a participant or the grid) receives. */
export interface AuctionEntry extends EntryBase {
  kind: 'auction';
  auctionId: string;
  /** winner: bought the lot (amount < 0); owner: sold it (amount > 0). */
  role: 'winner' | 'owner';
  /** The lot (Wh). */
  energyWh: number;
  /** The level the lot sold at (µ/kWh). */
  price: number;
}

/**
 * A market's reconciliation against metered delivery (mechanisms.md §7): `gridWh` is
 * the imbalance Δ (metered − scheduled, Wh), `price` S (Δ > 0) or B (Δ < 0); the grid's
 * balancing entry has participantId `grid`.
 */
export interface ImbalanceEntry extends EntryBase {
  kind: 'imbalance';
  marketId: string;
  meterId?: string;
  scheduledWh?: number;
  /** null when the reading was missing and Δ was estimated as 0. */
  meteredWh?: number | null;
  estimated?: boolean;
}

export type SettlementEntry = MarketEntry | AuctionEntry | ImbalanceEntry;

/** An account's balance through a day, so a balance read sums only what came after. */
export interface Statement {
  accountId: string;
  /** Last day (YYYY-MM-DD, UTC) whose entries are included. */
  through: string;
  balance: number;
  /** How many entries the balance sums. */
  entries: number;
  at: string;
}

/** The grid utility's account id; no participant may take it. */
export const GRID_ACCOUNT = 'grid';

/** The endpoints of api.md the demonstrator drives, one method each. */
import { Http, HttpOptions } from './http';
import type { SignedReading } from '../meter/reading';
import type { Mechanism } from '../sim/mechanism';
import { Account, Market, MarketResult, Meter, Order, OrderBook, Participant, Reconciliation, ReadingResult } from './types';

export interface NewParticipant {
  id: string;
  name: string;
  kind: Participant['kind'];
  pvKwp?: number;
  batteryKwh?: number;
  lot?: number;
}

export interface NewMarket {
  id: string;
  deliveryStart: string;
  durationMinutes: number;
  gridBuyPrice: number;
  gridSellPrice: number;
  /** Minutes after delivery during which readings may arrive before reconciliation (api.md default 60). */
  readingWindowMinutes?: number;
  /** How the market clears (api.md default sdr). */
  mechanism?: Mechanism;
}

export interface NewOrder {
  side: 'buy' | 'sell';
  energyWh: number;
  limitPrice?: number;
  clientOrderId: string;
}

const enc = encodeURIComponent;

export class GatewayApi {
  readonly http: Http;

  constructor(baseUrl: string, opts?: HttpOptions) {
    this.http = new Http(baseUrl, opts);
  }

  async registerParticipant(admin: string, p: NewParticipant): Promise<{ participant: Participant; token: string }> {
    return (await this.http.request<{ participant: Participant; token: string }>('POST', '/v1/participants', { token: admin, body: p })).body;
  }

  async createMarket(admin: string, m: NewMarket): Promise<Market> {
    return (await this.http.request<Market>('POST', '/v1/markets', { token: admin, body: m })).body;
  }

  async openMarket(admin: string, id: string): Promise<Market> {
    return (await this.http.request<Market>('POST', `/v1/markets/${enc(id)}/open`, { token: admin })).body;
  }

  async closeMarket(admin: string, id: string): Promise<{ market: Market; result: MarketResult }> {
    return (await this.http.request<{ market: Market; result: MarketResult }>('POST', `/v1/markets/${enc(id)}/close`, { token: admin })).body;
  }

  async result(token: string, id: string): Promise<MarketResult> {
    return (await this.http.request<MarketResult>('GET', `/v1/markets/${enc(id)}/result`, { token })).body;
  }

  async orderBook(token: string, id: string): Promise<OrderBook> {
    return (await this.http.request<OrderBook>('GET', `/v1/markets/${enc(id)}/orderbook`, { token })).body;
  }

  /** Safe to retry: the client order id makes a repeat return the same order. */
  async placeOrder(token: string, marketId: string, o: NewOrder): Promise<{ order: Order; created: boolean }> {
    const r = await this.http.request<Order>('POST', `/v1/markets/${enc(marketId)}/orders`, { token, body: o, idempotent: true });
    return { order: r.body, created: r.status === 201 };
  }

  async amendOrder(token: string, marketId: string, orderId: string, patch: { energyWh?: number; limitPrice?: number }): Promise<Order> {
    return (await this.http.request<Order>('PATCH', `/v1/markets/${enc(marketId)}/orders/${enc(orderId)}`, { token, body: patch })).body;
  }

  async account(token: string, participantId: string): Promise<Account> {
    return (await this.http.request<Account>('GET', `/v1/participants/${enc(participantId)}/account`, { token })).body;
  }

  async gridAccount(admin: string): Promise<Account> {
    return (await this.http.request<Account>('GET', '/v1/accounts/grid', { token: admin })).body;
  }

  /** NA: the Community CA signs the meter's CSR (POST /v1/meter-enrolments); a retry gets a certificate for the same key. */
  async enrolMeter(admin: string, m: { meterId: string; csr: string }): Promise<{ meterId: string; certificate: string; caCertificate: string }> {
    return (await this.http.request<{ meterId: string; certificate: string; caCertificate: string }>('POST', '/v1/meter-enrolments', { token: admin, body: m })).body;
  }

  async registerMeter(admin: string, m: { meterId: string; participantId: string; certificate: string }): Promise<Meter> {
    return (await this.http.request<Meter>('POST', '/v1/meters', { token: admin, body: m })).body;
  }

  /**
   * One signed reading, no token (the signature authenticates it): 201 new, 200 a repeat.
   * Safe to retry: the same reading again is a no-op.
   */
  async submitReading(r: SignedReading): Promise<{ status: number; body: unknown }> {
    return this.http.request<unknown>('POST', '/v1/readings', { body: r, idempotent: true });
  }

  /** A head-end batch: one transaction, 200 with one result per item, in order. */
  async submitReadings(items: readonly SignedReading[]): Promise<ReadingResult[]> {
    const r = await this.http.request<{ results?: ReadingResult[]; items?: ReadingResult[] }>('POST', '/v1/readings', { body: { items }, idempotent: true });
    const results = r.body.results ?? r.body.items;
    if (!Array.isArray(results) || results.length !== items.length) throw new Error(`POST /v1/readings answered ${results?.length ?? 'no'} results for ${items.length} readings`);
    return results;
  }

  async reconcileMarket(admin: string, id: string): Promise<{ market: Market; reconciliation: Reconciliation }> {
    return (await this.http.request<{ market: Market; reconciliation: Reconciliation }>('POST', `/v1/markets/${enc(id)}/reconcile`, { token: admin })).body;
  }
}

/**
 * The auction endpoints of api.md the VPP replay and the load study drive (the
 * household and NA calls of mechanisms.md §5), over the simulator's HTTP client.
 */
import { Http } from '../gateway/http';

export interface NewAuction {
  id?: string;
  owner: string;
  lotWh: number;
  reservePrice: number;
  increment: number;
  startAt: string;
  endAt: string;
  deliveryStart: string;
}

export interface AuctionView extends Required<Omit<NewAuction, 'id'>> {
  id: string;
  status: string;
  level: number | null;
  bidCount: number;
  /** Shown to the NA and to the leader only. */
  leader?: string;
}

export interface BidView {
  id: string;
  auctionId: string;
  bidderId: string;
  maxPrice: number;
  clientBidId?: string;
  at: string;
  status?: string;
}

export interface AuctionResultView {
  auctionId: string;
  winner: string | null;
  level: number | null;
  amount: number;
  bids: number;
}

const enc = encodeURIComponent;

export class AuctionApi {
  constructor(readonly http: Http) {}

  async create(admin: string, a: NewAuction): Promise<AuctionView> {
    return (await this.http.request<AuctionView>('POST', '/v1/auctions', { token: admin, body: a })).body;
  }

  /** Safe to retry with a clientBidId: a repeat answers the first bid. */
  async bid(token: string, auctionId: string, maxPrice: number, clientBidId?: string): Promise<BidView> {
    const body = clientBidId === undefined ? { maxPrice } : { maxPrice, clientBidId };
    return (await this.http.request<BidView>('POST', `/v1/auctions/${enc(auctionId)}/bids`, { token, body, idempotent: clientBidId !== undefined })).body;
  }

  async get(token: string, auctionId: string): Promise<AuctionView> {
    return (await this.http.request<AuctionView>('GET', `/v1/auctions/${enc(auctionId)}`, { token })).body;
  }

  /** The NA sees every bid, a household its own. */
  async bids(token: string, auctionId: string): Promise<BidView[]> {
    return (await this.http.request<{ items: BidView[] }>('GET', `/v1/auctions/${enc(auctionId)}/bids`, { token })).body.items;
  }

  async close(admin: string, auctionId: string): Promise<AuctionView> {
    return (await this.http.request<AuctionView>('POST', `/v1/auctions/${enc(auctionId)}/close`, { token: admin })).body;
  }

  async cancel(admin: string, auctionId: string): Promise<AuctionView> {
    return (await this.http.request<AuctionView>('POST', `/v1/auctions/${enc(auctionId)}/cancel`, { token: admin })).body;
  }

  async result(token: string, auctionId: string): Promise<AuctionResultView> {
    return (await this.http.request<AuctionResultView>('GET', `/v1/auctions/${enc(auctionId)}/result`, { token })).body;
  }
}

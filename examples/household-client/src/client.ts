/**
 * A household that signs its own transactions through the gateway. It enrols first:
 * the NA registered it for self-custody and gave it a one-time secret; it sends a CSR
 * for its own key with that secret (`enrol`) and gets its certificate and a bearer
 * token, then binds the key on the ledger by signing `participant.enrol`. For each action it
 * asks the gateway to prepare the proposal, checks the bytes (verify.ts), signs the
 * digest with its own key, and does the same for the endorsed transaction and the
 * commit-status request. The gateway never sees the private key.
 *
 *   POST /v1/transactions                              {action, params, certificate}
 *   POST /v1/transactions/{transactionId}/endorsement  {proposal, signature}
 *   POST /v1/transactions/{transactionId}/submission   {transaction, signature}
 *   POST /v1/transactions/{transactionId}/commit       {commit, signature, transaction}
 *
 * It reads its own orders, account and participant record the same way, with a query
 * it signs (`query`): prepared, checked and signed as a proposal, then evaluated.
 *
 *   POST /v1/transactions                              {action, params, certificate}
 *   POST /v1/transactions/{transactionId}/evaluation   {proposal, signature}
 */
import { X509Certificate, type KeyObject } from 'node:crypto';
import { signers } from '@hyperledger/fabric-gateway';
import { createCsr } from './csr';
import { verifyCommit, verifyProposal, verifyTransaction, type ExpectedCall, type Format } from './verify';

export interface Order {
  id: string;
  marketId: string;
  participantId: string;
  side: 'buy' | 'sell';
  energyWh: number;
  limitPrice: number;
  limitGiven?: boolean;
  clientOrderId?: string;
  status: string;
  cancelledBy?: string;
  revision: number;
  createdAt: string;
  updatedAt: string;
}

export interface Participant {
  id: string;
  name: string;
  kind: string;
  status: string;
  pvKwp?: number;
  batteryKwh?: number;
  lot?: number;
  dwelling?: string;
  registeredAt: string;
  updatedAt?: string;
  awaitingEnrolment?: true;
}

/** A page of a list; pass `bookmark` back for the next one ("" after the last). */
export interface Page<T> {
  items: T[];
  bookmark: string;
}

export interface SettlementEntry {
  kind: string;
  marketId?: string;
  participantId: string;
  orderId?: string;
  side?: string;
  status?: string;
  energyWh?: number;
  internalWh: number;
  gridWh: number;
  price: number | null;
  amount: number;
  at: string;
}

/** A balance (µ) and its settlement entries, one page of them. */
export interface Account {
  participantId: string;
  balance: number;
  entries: SettlementEntry[];
  bookmark: string;
  statement: { through: string; balance: number } | null;
}

export interface PageOptions {
  pageSize?: number;
  bookmark?: string;
}

export interface PlaceOrder {
  side: 'buy' | 'sell';
  energyWh: number;
  limitPrice?: number;
  clientOrderId?: string;
}

export interface AmendOrder {
  energyWh?: number;
  limitPrice?: number;
  expectedRevision?: number;
}

/** An RFC 9457 problem the gateway answered. */
export class GatewayProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly body: unknown,
  ) {
    super(`${status} ${code}: ${detail}`);
    this.name = 'GatewayProblem';
  }
}

export interface HouseholdClientOptions {
  /** e.g. http://127.0.0.1:3000 */
  gatewayUrl: string;
  /** The household's bearer token. */
  token: string;
  /** The household's own key (key.ts); only its signatures leave this process. */
  privateKey: KeyObject;
  /** The PEM certificate the household was enrolled with (for this key). */
  certificate: string;
  /** The household's participant id (the gateway reads one's own account and record under it); default: the certificate's common name. */
  participantId?: string;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
}

/** What happened at each step, for a caller that wants to see it. */
export interface Committed<R> {
  transactionId: string;
  blockNumber: number;
  result: R;
}

export interface Prepared {
  transactionId: string;
  action: string;
  /** `transaction`: endorse, submit, commit; `query`: evaluate. */
  kind?: 'transaction' | 'query';
  format: Format;
  proposal: string;
  digest: string;
}

export interface Endorsed<R = unknown> {
  transactionId: string;
  transaction: string;
  digest: string;
  result: R;
}

/** What a signed query read. */
export interface Evaluated<R> {
  transactionId: string;
  result: R;
}

export interface Submitted {
  transactionId: string;
  commit: string;
  digest: string;
}

async function postJson<T>(fetchImpl: typeof fetch, url: URL, body: unknown, token?: string): Promise<T> {
  const res = await fetchImpl(url, {
    method: 'POST',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: kept as text
  }
  if (!res.ok) {
    const p = (parsed ?? {}) as { code?: string; detail?: string };
    throw new GatewayProblem(res.status, p.code ?? 'UNKNOWN', p.detail ?? text, parsed);
  }
  return parsed as T;
}

export interface Enrolled {
  certificate: string;
  caCertificate: string;
  token: string;
}

/**
 * Enrols the household's key with the one-time secret the NA gave it: a CSR (common
 * name = the participant id) to POST /v1/enrolments; the CA signs it. Answers the
 * certificate and the household's bearer token. The key stays here.
 */
export async function enrol(options: { gatewayUrl: string; participantId: string; secret: string; privateKey: KeyObject; fetch?: typeof fetch }): Promise<Enrolled> {
  const csr = await createCsr(options.privateKey, options.participantId);
  return postJson<Enrolled>(options.fetch ?? fetch, new URL('/v1/enrolments', options.gatewayUrl), { participantId: options.participantId, secret: options.secret, csr });
}

const bytes = (b64: string): Uint8Array => new Uint8Array(Buffer.from(b64, 'base64'));
const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');

const pageSizeArg = (pageSize: unknown): string => (pageSize === undefined ? '' : String(pageSize));
/** The gateway's bookmark is opaque (it carries the ledger's own): the household cannot check that argument, only that there is none on a first page. */
const bookmarkArg = (bookmark: unknown): string | undefined => (bookmark === undefined || bookmark === '' ? '' : undefined);

/** The common name of a PEM certificate's subject, if it has one. */
export function commonNameOf(certificate: string): string | undefined {
  const subject = new X509Certificate(certificate).subject;
  return subject.split('\n').find((line) => line.startsWith('CN='))?.slice(3);
}

/**
 * The chaincode call each catalogue action is (what the household checks its proposal
 * against). The reads of one's own account and record name `participantId`.
 */
export function expectedCall(action: string, params: Record<string, unknown>, participantId?: string): ExpectedCall | undefined {
  const { marketId, orderId, ...rest } = params as { marketId: string; orderId?: string } & Record<string, unknown>;
  switch (action) {
    case 'order.get':
      return { contract: 'orders', transaction: 'Get', args: [marketId, String(orderId)] };
    case 'orders.list':
      return { contract: 'orders', transaction: 'ListMine', args: [marketId ?? '', pageSizeArg(params.pageSize), bookmarkArg(params.bookmark)] };
    // Without a participant id to check, any: the chaincode answers only the signer's own.
    case 'account.get':
      return { contract: 'accounts', transaction: 'Get', args: [participantId, pageSizeArg(params.pageSize), bookmarkArg(params.bookmark)] };
    case 'participant.get':
      return { contract: 'participants', transaction: 'Get', args: [participantId] };
    case 'participant.enrol':
      return { contract: 'participants', transaction: 'Enrol', args: [String(params.participantId)] };
    case 'order.place':
      return { contract: 'orders', transaction: 'Place', args: [marketId, JSON.stringify(rest)] };
    case 'order.amend':
      return { contract: 'orders', transaction: 'Amend', args: [marketId, String(orderId), JSON.stringify(rest)] };
    case 'order.cancel':
      return { contract: 'orders', transaction: 'Cancel', args: [marketId, String(orderId)] };
    // The gateway writes the bid's input as {maxPrice, clientBidId?}, in that order.
    case 'auction.bid': {
      const bid: { maxPrice: unknown; clientBidId?: unknown } = { maxPrice: params.maxPrice };
      if (params.clientBidId !== undefined) bid.clientBidId = params.clientBidId;
      return { contract: 'auctions', transaction: 'Bid', args: [String(params.auctionId), JSON.stringify(bid)] };
    }
    default:
      return undefined;
  }
}

export class HouseholdClient {
  private readonly sign: (digest: Uint8Array) => Promise<Uint8Array>;
  private readonly fetch: typeof fetch;

  /** Whose account and record the reads ask for (the gateway answers the token's; a mismatch is the chaincode's FORBIDDEN). */
  readonly participantId: string | undefined;

  constructor(private readonly options: HouseholdClientOptions) {
    this.sign = signers.newPrivateKeySigner(options.privateKey);
    this.fetch = options.fetch ?? fetch;
    this.participantId = options.participantId ?? commonNameOf(options.certificate);
  }

  private post<T>(path: string, body: unknown): Promise<T> {
    return postJson<T>(this.fetch, new URL(path, this.options.gatewayUrl), body, this.options.token);
  }

  private get me() {
    return { certificate: this.options.certificate };
  }

  /** Step 1: the proposal for `action`, checked against `expected` (default: the catalogue's call for it). */
  async prepare(action: string, params: Record<string, unknown>, expected = expectedCall(action, params, this.participantId)): Promise<Prepared> {
    const prepared = await this.post<Prepared>('/v1/transactions', { action, params, certificate: this.options.certificate });
    verifyProposal(prepared.format, this.me, { transactionId: prepared.transactionId, proposal: bytes(prepared.proposal), digest: bytes(prepared.digest) }, expected);
    return prepared;
  }

  /** A query's step 2: signs the proposal's digest; answers what it read (nothing is written). */
  async evaluate<R>(prepared: Prepared): Promise<Evaluated<R>> {
    const signature = await this.sign(bytes(prepared.digest));
    const done = await this.post<Evaluated<R>>(`/v1/transactions/${prepared.transactionId}/evaluation`, { proposal: prepared.proposal, signature: b64(signature) });
    return { transactionId: done.transactionId, result: done.result };
  }

  /** A signed query (order.get, orders.list, account.get, participant.get): prepare, check, sign, evaluate. */
  async query<R>(action: string, params: Record<string, unknown> = {}): Promise<Evaluated<R>> {
    return this.evaluate<R>(await this.prepare(action, params));
  }

  /** Step 2: signs the proposal's digest; answers the endorsed transaction and what it will do. */
  async endorse<R>(prepared: Prepared): Promise<Endorsed<R>> {
    const signature = await this.sign(bytes(prepared.digest));
    const endorsed = await this.post<Endorsed<R>>(`/v1/transactions/${prepared.transactionId}/endorsement`, { proposal: prepared.proposal, signature: b64(signature) });
    verifyTransaction(prepared.format, this.me, bytes(prepared.proposal), {
      transactionId: prepared.transactionId,
      transaction: bytes(endorsed.transaction),
      digest: bytes(endorsed.digest),
    });
    return endorsed;
  }

  /** Step 3: signs the transaction's digest and submits it (repeating this never acts twice). */
  async submit(prepared: Prepared, endorsed: Endorsed): Promise<Submitted> {
    const signature = await this.sign(bytes(endorsed.digest));
    const submitted = await this.post<Submitted>(`/v1/transactions/${prepared.transactionId}/submission`, { transaction: endorsed.transaction, signature: b64(signature) });
    verifyCommit(prepared.format, this.me, { transactionId: prepared.transactionId, commit: bytes(submitted.commit), digest: bytes(submitted.digest) });
    return submitted;
  }

  /** Step 4: signs the commit-status request's digest; answers once committed as valid. */
  async commit<R>(prepared: Prepared, endorsed: Endorsed, submitted: Submitted): Promise<Committed<R>> {
    const signature = await this.sign(bytes(submitted.digest));
    const done = await this.post<Committed<R> & { status: string }>(`/v1/transactions/${prepared.transactionId}/commit`, {
      commit: submitted.commit,
      signature: b64(signature),
      transaction: endorsed.transaction,
    });
    return { transactionId: done.transactionId, blockNumber: done.blockNumber, result: done.result };
  }

  /** The four steps for one action. `confirm` sees what the transaction will do before it is signed for submission. */
  async run<R>(action: string, params: Record<string, unknown>, confirm?: (preview: R) => boolean | Promise<boolean>): Promise<Committed<R>> {
    const prepared = await this.prepare(action, params);
    const endorsed = await this.endorse<R>(prepared);
    if (confirm && !(await confirm(endorsed.result))) throw new Error(`${action}: not confirmed; nothing was submitted`);
    const submitted = await this.submit(prepared, endorsed);
    return this.commit<R>(prepared, endorsed, submitted);
  }

  /** Binds this key to the participant on the ledger (after `enrol`): the chaincode binds whoever signs it. */
  bindKey(participantId: string): Promise<Committed<Participant>> {
    return this.run<Participant>('participant.enrol', { participantId });
  }

  placeOrder(marketId: string, order: PlaceOrder): Promise<Committed<Order>> {
    return this.run<Order>('order.place', { marketId, ...order });
  }

  amendOrder(marketId: string, orderId: string, changes: AmendOrder): Promise<Committed<Order>> {
    return this.run<Order>('order.amend', { marketId, orderId, ...changes });
  }

  cancelOrder(marketId: string, orderId: string): Promise<Committed<Order>> {
    return this.run<Order>('order.cancel', { marketId, orderId });
  }

  /** One of its own orders (another household's is the chaincode's FORBIDDEN). */
  async getOrder(marketId: string, orderId: string): Promise<Order> {
    return (await this.query<Order>('order.get', { marketId, orderId })).result;
  }

  /** A page of its own orders, in one market or (`marketId` undefined) in every market. */
  async listOrders(marketId?: string, page: PageOptions = {}): Promise<Page<Order>> {
    return (await this.query<Page<Order>>('orders.list', { ...(marketId === undefined ? {} : { marketId }), ...page })).result;
  }

  /** Its own balance and a page of its settlement entries. */
  async getAccount(page: PageOptions = {}): Promise<Account> {
    return (await this.query<Account>('account.get', { ...page })).result;
  }

  /** Its own participant record. */
  async whoami(): Promise<Participant> {
    return (await this.query<Participant>('participant.get')).result;
  }
}

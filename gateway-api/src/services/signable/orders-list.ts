/**
 * `orders.list`: one's own orders, as GET /v1/markets/{marketId}/orders answers a
 * household, or across all markets without `marketId` (orders:ListMine, the signer's
 * orders only), as a query the household signs. Paged as the REST list is: the
 * bookmark is opaque and bound to the list (the market, or all of them, and the caller).
 */
import type { Order as LedgerOrder } from '@ecch/chaincode';
import { Type } from '@sinclair/typebox';
import { Id } from '../../schemas/common';
import { OrderList } from '../../schemas/orders';
import { toPage, type Page } from '../paging';
import { defineAction, ledgerBookmark, pageSizeArg } from './action';
import { PageParams } from './page-params';

/** The REST list's scope for a household (services/orders.ts), kept the same: the market ('' for every market) and the caller. */
const scopeOf = (marketId: string, participantId: string): string => `orders:${marketId}:${participantId}`;

export const ordersList = defineAction({
  name: 'orders.list',
  kind: 'query',
  summary:
    'list one\'s own orders: {marketId?, pageSize?, bookmark?} (without marketId: in every market), as GET /v1/markets/{marketId}/orders (a query: POST …/evaluation)',
  params: Type.Object({ marketId: Type.Optional(Id), ...PageParams }, { additionalProperties: false }),
  result: OrderList,
  contract: 'orders',
  transaction: 'ListMine',
  args: ({ marketId = '', pageSize, bookmark }, caller) => [marketId, pageSizeArg(pageSize), ledgerBookmark(scopeOf(marketId, caller.participantId), bookmark)],
  view: (result, { args, caller }) => toPage(JSON.parse(result) as Page<LedgerOrder>, scopeOf(args[0] ?? '', caller.participantId)),
});

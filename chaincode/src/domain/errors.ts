/**
 * Every refusal the ledger makes carries a stable code. The message on the wire is
 * `CODE: detail`, so clients (the gateway) map codes to statuses from one table and
 * never match free text.
 */
export const ERROR_CODES = [
  'INVALID_ARGUMENT', // malformed input (schema-level)
  'NOT_FOUND', // a market, order or participant that does not exist
  'ALREADY_EXISTS', // a participant or market id that is taken
  'UNAUTHENTICATED', // the submitting identity is bound to no participant
  'FORBIDDEN', // the identity lacks the role, or acts for someone else
  'PARTICIPANT_NOT_ACTIVE', // pending, rejected or suspended participant
  'INVALID_STATE', // a lifecycle transition the state machine refuses
  'MARKET_NOT_OPEN', // orders only while the market is open
  'RESULT_NOT_AVAILABLE', // a result before close
  'ACTIVE_ORDER_EXISTS', // one active order per participant per market
  'ORDER_NOT_OPEN', // amend/cancel of an order that is no longer open
  'REVISION_MISMATCH', // optimistic concurrency on amend
  'LIMIT_OUT_OF_RANGE', // a limit price outside [S, B]
  'ENERGY_OUT_OF_RANGE', // energy outside 1..cap
  'INVALID_TARIFF', // 0 <= S < B violated
  'ARITHMETIC_OVERFLOW', // an amount beyond the safe integer range
  'IDEMPOTENCY_KEY_REUSED', // a clientOrderId re-sent with different content
  'MARKET_OVERLAP', // another live market covers part of the same interval
  'OUT_OF_HORIZON', // deliveryStart too far from the transaction time
  'MARKET_TOO_LARGE', // more active orders than one clearing transaction carries
  'INPUT_TOO_LARGE', // an argument beyond the chaincode's size limits
  'QUERY_LIMIT_REACHED', // a scan reached the peers' totalQueryLimit and may have been cut
  'PERIOD_CLOSED', // a statement already covers the day a new entry would fall on
  'SCHEDULE_OVERLAP', // a schedule's intervals overlap those of another active schedule
  'NOT_SUPPORTED', // a feature the ledger does not offer
  // English auctions (mechanisms.md §5)
  'AUCTION_NOT_OPEN', // a bid outside the auction's window, or on an auction that is not open
  'AUCTION_NOT_ENDED', // close or disqualify before the auction's endAt
  'BID_TOO_LOW', // below the reserve price, or a raise of less than the increment
  'OWNER_CANNOT_BID', // the auction's owner bids on its own lot
  // Metered delivery (mechanisms.md §7)
  'BAD_SIGNATURE', // a reading whose signature does not verify against its meter's certificate
  'READING_CONFLICT', // a different signed reading for a meter and interval already recorded (kept as evidence)
  'READING_LATE', // a reading for a market already reconciled
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class LedgerError extends Error {
  readonly code: ErrorCode;
  readonly detail: string;

  constructor(code: ErrorCode, detail: string) {
    super(`${code}: ${detail}`);
    this.name = 'LedgerError';
    this.code = code;
    this.detail = detail;
  }
}

/** Splits a wire message `CODE: detail` back into its parts; undefined if it carries no known code. */
export function parseLedgerError(message: string): { code: ErrorCode; detail: string } | undefined {
  const sep = message.indexOf(': ');
  if (sep <= 0) return undefined;
  const code = message.slice(0, sep);
  if (!(ERROR_CODES as readonly string[]).includes(code)) return undefined;
  return { code: code as ErrorCode, detail: message.slice(sep + 2) };
}

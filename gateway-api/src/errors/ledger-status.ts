/**
 * The one table from the ledger's refusal codes (chaincode/src/domain/errors.ts) to
 * HTTP statuses. Typed as a total record, so a code added to the chaincode does not
 * compile here until it has a status.
 */
import type { ErrorCode } from '@ecch/chaincode';

export const LEDGER_STATUS: Readonly<Record<ErrorCode, number>> = {
  INVALID_ARGUMENT: 422,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  // The token was valid but its ledger identity is bound to no participant.
  UNAUTHENTICATED: 403,
  FORBIDDEN: 403,
  PARTICIPANT_NOT_ACTIVE: 403,
  INVALID_STATE: 409,
  MARKET_NOT_OPEN: 409,
  RESULT_NOT_AVAILABLE: 409,
  ACTIVE_ORDER_EXISTS: 409,
  ORDER_NOT_OPEN: 409,
  REVISION_MISMATCH: 409,
  LIMIT_OUT_OF_RANGE: 422,
  ENERGY_OUT_OF_RANGE: 422,
  INVALID_TARIFF: 422,
  ARITHMETIC_OVERFLOW: 422,
  // Another live market's interval overlaps the new one.
  MARKET_OVERLAP: 409,
  // deliveryStart beyond the horizon the ledger accepts (366 days ahead, 3660 behind).
  OUT_OF_HORIZON: 422,
  // More active orders than one clearing transaction can carry.
  MARKET_TOO_LARGE: 422,
  // An argument beyond the chaincode's byte or length limits.
  INPUT_TOO_LARGE: 413,
  // The same clientOrderId / Idempotency-Key with a different order.
  IDEMPOTENCY_KEY_REUSED: 422,
  // A statement already covers the day a new settlement entry would fall on.
  PERIOD_CLOSED: 409,
  // A scan reached the peers' totalQueryLimit: the ledger refuses rather than answer from part of it.
  QUERY_LIMIT_REACHED: 500,
  // A schedule whose intervals overlap another active schedule's.
  SCHEDULE_OVERLAP: 409,
  // A feature the ledger does not offer.
  NOT_SUPPORTED: 422,
  // English auctions (mechanisms.md §5): a bid out of the window, a close too early, a low bid, the owner bidding.
  AUCTION_NOT_OPEN: 409,
  AUCTION_NOT_ENDED: 409,
  BID_TOO_LOW: 422,
  OWNER_CANNOT_BID: 422,
  // Metered delivery (mechanisms.md §7).
  BAD_SIGNATURE: 422,
  READING_CONFLICT: 409,
  READING_LATE: 409,
};

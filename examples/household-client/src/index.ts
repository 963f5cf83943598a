/** @ecch/household-client: a household that holds its own key and signs its own ECCH transactions. */
export { createKey, loadKey, loadOrCreateKey, KeyFileError } from './key';
export { createCsr } from './csr';
export { HouseholdClient, GatewayProblem, commonNameOf, enrol, expectedCall } from './client';
export type {
  Account,
  AmendOrder,
  Committed,
  Endorsed,
  Enrolled,
  Evaluated,
  HouseholdClientOptions,
  Order,
  Page,
  PageOptions,
  Participant,
  PlaceOrder,
  Prepared,
  SettlementEntry,
  Submitted,
} from './client';
export { VerificationError, verifyCommit, verifyProposal, verifyTransaction } from './verify';
export type { ExpectedCall, Format } from './verify';

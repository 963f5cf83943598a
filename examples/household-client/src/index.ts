/** @ecch/household-client: a household that holds its own key and signs its own ECCH transactions. */
export { createKey, loadKey, loadOrCreateKey, KeyFileError } from './key';
export { createCsr } from './csr';
export { HouseholdClient, GatewayProblem, enrol, expectedCall } from './client';
export type { AmendOrder, Committed, Endorsed, Enrolled, HouseholdClientOptions, Order, Participant, PlaceOrder, Prepared, Submitted } from './client';
export { VerificationError, verifyCommit, verifyProposal, verifyTransaction } from './verify';
export type { ExpectedCall, Format } from './verify';

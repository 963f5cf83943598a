export { EmbeddedLedger, createEmbeddedLedger } from './embedded-ledger';
export type { EmbeddedLedgerOptions } from './embedded-ledger';
export { endorse, newTxId } from './engine';
export type { WriteSet } from './stub';

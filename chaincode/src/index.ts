/**
 * The ECCH market chaincode. `contracts` is what fabric-shim loads (package.json
 * main); the domain rules are exported for the gateway and tests.
 */
import { AccountContract } from './contracts/account-contract';
import { AuctionContract } from './contracts/auction-contract';
import { AuditContract } from './contracts/audit-contract';
import { DiagnosticsContract } from './contracts/diagnostics-contract';
import { MarketContract } from './contracts/market-contract';
import { MeterContract } from './contracts/meter-contract';
import { OrderContract } from './contracts/order-contract';
import { ParticipantContract } from './contracts/participant-contract';
import { ReadingContract } from './contracts/reading-contract';
import { ScheduleContract } from './contracts/schedule-contract';

export { AccountContract, AuctionContract, AuditContract, DiagnosticsContract, MarketContract, MeterContract, OrderContract, ParticipantContract, ReadingContract, ScheduleContract };
export const contracts: unknown[] = [ParticipantContract, MarketContract, OrderContract, AccountContract, AuditContract, DiagnosticsContract, ScheduleContract, AuctionContract, MeterContract, ReadingContract];

export * from './domain/errors';
export * from './domain/model';
export * from './domain/rational';
export * from './domain/sdr';
export * from './domain/allocation';
export * from './domain/clearing';
export * from './domain/schedule';
export * from './domain/auction';
export * from './domain/meter';
export * from './domain/reading';
export * from './domain/reconciliation';
export { canonicalJson } from './ledger/json';
export { ROLE_ATTRIBUTE, ROLES, HOUSEHOLD_ORGS } from './ledger/roles';
export * from './catalogue';

// Each contract implements its catalogue entries with their arguments (catalogue.ts): a rename fails here.
import type { Implements } from './catalogue';
const implemented: [
  Implements<ParticipantContract, 'participants'>,
  Implements<MarketContract, 'markets'>,
  Implements<OrderContract, 'orders'>,
  Implements<AccountContract, 'accounts'>,
  Implements<AuditContract, 'audit'>,
  Implements<DiagnosticsContract, 'diagnostics'>,
  Implements<ScheduleContract, 'schedules'>,
  Implements<AuctionContract, 'auctions'>,
  Implements<MeterContract, 'meters'>,
  Implements<ReadingContract, 'readings'>,
] = [true, true, true, true, true, true, true, true, true, true];
void implemented;

/**
 * A ready community for contract tests: an in-memory embedded ledger running the
 * real chaincode, an org CA, the NA's identity (attribute ecch.role=na) and helpers
 * to register households with their own X.509 identities.
 */
import '@ecch/gateway-api/ledger/embedded/shim-logging';
import { createEmbeddedLedger, EmbeddedLedger, EmbeddedLedgerOptions } from '@ecch/gateway-api/ledger/embedded';
import { callOf, LedgerIdentity } from '@ecch/gateway-api/ledger/port';
import type { ContractName, TransactionName } from '@ecch/chaincode';
import { CertificateAuthority, createCertificateAuthority, issueIdentity } from '@ecch/gateway-api/identity/issuer';
import { identityKey } from '@ecch/gateway-api/identity/identity-key';

export const MSP = 'CommunityMSP';

let sharedCa: Promise<CertificateAuthority> | undefined;
/** Creating keys is slow-ish; one CA per test file is plenty. */
export function testCa(): Promise<CertificateAuthority> {
  sharedCa ??= createCertificateAuthority('ca.community.ecch.local', 'ECCH Community');
  return sharedCa;
}

/** An identity issued by the test CA, claiming `mspId` (the embedded ledger checks only the CA). */
export async function newIdentity(label: string, attrs?: Record<string, string>, mspId: string = MSP): Promise<LedgerIdentity> {
  const issued = await issueIdentity(await testCa(), { commonName: label, attrs });
  return { label, mspId, certificate: issued.certificate, privateKey: issued.privateKey };
}

export interface Community {
  ledger: EmbeddedLedger;
  na: LedgerIdentity;
  submit<T = unknown, C extends ContractName = ContractName>(who: LedgerIdentity, contract: C, tx: TransactionName<C>, ...args: string[]): Promise<T>;
  evaluate<T = unknown, C extends ContractName = ContractName>(who: LedgerIdentity, contract: C, tx: TransactionName<C>, ...args: string[]): Promise<T>;
  /** Registers and approves a household bound to a fresh identity. */
  household(id: string, kind?: string): Promise<LedgerIdentity>;
  /** What the gateway's close does: gate closure (if open), then clearing and settlement. */
  close<T = unknown>(marketId: string, who?: LedgerIdentity): Promise<T>;
  shutdown(): Promise<void>;
}

export async function community(options: EmbeddedLedgerOptions = {}): Promise<Community> {
  const ledger = await createEmbeddedLedger({ trustedCas: [(await testCa()).certificate], ...options });
  const na = await newIdentity('admin', { 'ecch.role': 'na' });
  const submit = async <T, C extends ContractName = ContractName>(who: LedgerIdentity, contract: C, transaction: TransactionName<C>, ...args: string[]) =>
    JSON.parse(await ledger.submit(who, callOf(contract, transaction, args))) as T;
  const evaluate = async <T, C extends ContractName = ContractName>(who: LedgerIdentity, contract: C, transaction: TransactionName<C>, ...args: string[]) =>
    JSON.parse(await ledger.evaluate(who, callOf(contract, transaction, args))) as T;
  return {
    ledger,
    na,
    submit,
    evaluate,
    async household(id, kind = 'prosumer') {
      const who = await newIdentity(id);
      await submit(na, 'participants', 'Register', JSON.stringify({ id, name: `Household ${id}`, kind, identity: identityKey(MSP, who.certificate) }));
      return who;
    },
    async close<T>(marketId: string, who: LedgerIdentity = na) {
      const market = await evaluate<{ status: string }>(who, 'markets', 'Get', marketId);
      if (market.status === 'open') await submit(who, 'markets', 'GateClose', marketId);
      return submit<T>(who, 'markets', 'Clear', marketId);
    },
    shutdown: () => ledger.close(),
  };
}

/** The spec's §8 tariffs. */
export const B = 130000;
export const S = 40000;

let nextHour = 0;

/**
 * A market body; each call without a deliveryStart takes the next hour from
 * 2026-06-21T10:00Z, since the ledger refuses overlapping markets.
 */
export function marketInput(id: string, extra: Record<string, unknown> = {}): string {
  const deliveryStart = new Date(Date.parse('2026-06-21T10:00:00Z') + 3_600_000 * nextHour++).toISOString();
  return JSON.stringify({ id, deliveryStart, gridBuyPrice: B, gridSellPrice: S, ...extra });
}

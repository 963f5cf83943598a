/**
 * Metered delivery (mechanisms.md §7): the NA's meters and reconciliations, and
 * readings from anyone. A reading needs no token: its meter's signature, checked by the
 * chaincode, authenticates it. Some ledger identity must still sign the transaction;
 * the gateway submits readings under its NA identity, and the chaincode ignores who
 * submitted them (the submitter gains nothing: a reading counts only with its meter's
 * signature).
 */
import type { Market, Meter, ResultOf } from '@ecch/chaincode';
import type { Principal } from '../auth/principal';
import type { GatewayContext } from '../context';
import { ApiError, forbidden } from '../errors/api-error';
import { LEDGER_STATUS } from '../errors/ledger-status';
import { identityOf } from './actor';
import { atCa } from './at-ca';
import { pageArgs, toPage, type Page, type PageArgs } from './paging';

type ReadingOutcome = ResultOf<'readings', 'Submit'>;
type Reconciliation = ResultOf<'markets', 'GetReconciliation'>;

export interface MeterInput {
  meterId: string;
  participantId: string;
  certificate: string;
}

/**
 * The NA enrols a meter at the organisation's CA (Fabric CA on a network, the in-process
 * CA on the embedded ledger): the CA signs the meter's CSR with ecch.meter=<meterId>.
 * Nothing is written to the ledger: the NA then registers the certificate (register).
 */
export async function enrol(gw: GatewayContext, input: { meterId: string; csr: string }) {
  const certificate = await atCa(() => gw.identities.enrolMeter(input.meterId, input.csr));
  return { meterId: input.meterId, certificate, caCertificate: gw.identities.caCertificate };
}

export async function register(gw: GatewayContext, input: MeterInput): Promise<{ meter: Meter; created: boolean }> {
  return gw.chaincode.submit(gw.identities.na, 'meters', 'Register', JSON.stringify(input));
}

export async function list(gw: GatewayContext, page: PageArgs): Promise<Page<Meter>> {
  const scope = 'meters';
  return toPage(await gw.chaincode.evaluate(gw.identities.na, 'meters', 'List', ...pageArgs(page, scope)), scope);
}

export function get(gw: GatewayContext, meterId: string): Promise<Meter> {
  return gw.chaincode.evaluate(gw.identities.na, 'meters', 'Get', meterId);
}

/**
 * The participant's active meter: the NA, or that household. The chaincode checks the
 * caller; a self-custody household's read goes through the NA, so the gateway checks
 * the household asks for its own first.
 */
export async function ofParticipant(gw: GatewayContext, principal: Principal, participantId: string): Promise<Meter> {
  if (principal.role === 'household' && principal.participantId !== participantId) {
    throw forbidden(`only the network administrator or ${participantId} may read its meter`);
  }
  return gw.chaincode.evaluate(await identityOf(gw, principal, 'public'), 'meters', 'GetForParticipant', participantId);
}

/** What a single reading's outcome answers over HTTP: 201 recorded, 200 repeat, a refusal's status otherwise. */
export function statusOf(o: ReadingOutcome): number {
  if (o.outcome === 'recorded') return 201;
  if (o.outcome === 'repeat') return 200;
  return o.code ? LEDGER_STATUS[o.code] : 422;
}

/** One signed reading; a conflict (committed as evidence) is answered 409 READING_CONFLICT. */
export async function submitOne(gw: GatewayContext, signed: unknown): Promise<{ status: number; outcome: ReadingOutcome }> {
  const outcome = await gw.chaincode.submit(gw.identities.na, 'readings', 'Submit', JSON.stringify(signed));
  if (outcome.outcome === 'conflict' || outcome.outcome === 'refused') {
    throw new ApiError(statusOf(outcome), outcome.code ?? 'READING_CONFLICT', outcome.detail ?? 'the reading was refused');
  }
  return { status: statusOf(outcome), outcome };
}

/** A batch, one ledger transaction: one result per item, with the status a single reading would get. */
export async function submitBatch(gw: GatewayContext, items: unknown[]) {
  const { results } = await gw.chaincode.submit(gw.identities.na, 'readings', 'SubmitBatch', JSON.stringify(items));
  return {
    results: results.map((o) => ({
      status: statusOf(o),
      ...(o.code ? { code: o.code } : {}),
      ...(o.detail ? { detail: o.detail } : {}),
      ...(o.meterId ? { meterId: o.meterId } : {}),
      ...(o.intervalStart ? { intervalStart: o.intervalStart } : {}),
      ...(o.marketId ? { marketId: o.marketId } : {}),
    })),
  };
}

export async function conflicts(gw: GatewayContext, meterId: string | undefined, page: PageArgs) {
  const scope = `reading-conflicts:${meterId ?? ''}`;
  return toPage(await gw.chaincode.evaluate(gw.identities.na, 'readings', 'ListConflicts', meterId ?? '', ...pageArgs(page, scope)), scope);
}

export function reconcile(gw: GatewayContext, marketId: string): Promise<{ market: Market; reconciliation: Reconciliation }> {
  return gw.chaincode.submit(gw.identities.na, 'markets', 'Reconcile', marketId);
}

export async function reconciliation(gw: GatewayContext, principal: Principal, marketId: string): Promise<Reconciliation> {
  return gw.chaincode.evaluate(await identityOf(gw, principal, 'public'), 'markets', 'GetReconciliation', marketId);
}

/**
 * Registering households is setup, not measurement, and is done once per DATA_DIR:
 * REST households (they need a bearer token) through POST /v1/participants, their
 * tokens kept in DATA_DIR/bench-households.json for a rerun; the thousands of
 * households of the market-close measurement directly through the adapter as the NA
 * (identities issued from the org CA as the gateway would; they send no REST request).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { issueIdentity } from '../../gateway-api/src/identity/issuer';
import { identityKey } from '../../gateway-api/src/identity/identity-key';
import { LedgerRefusal, LedgerUnavailable, type LedgerIdentity } from '../../gateway-api/src/ledger/port';
import type { GatewayApi } from '../../simulator/src/gateway/api';
import { ApiError } from '../../simulator/src/gateway/http';
import type { AdapterSession } from './adapter-session';
import { forEachLimited } from './pool';

export const restHouseholdId = (i: number) => `h${String(i).padStart(5, '0')}`;
export const closeHouseholdId = (i: number) => `k${String(i).padStart(5, '0')}`;

function progress(what: string, done: number, total: number): void {
  if (done % 250 === 0 || done === total) process.stderr.write(`[bench]   ${what}: ${done}/${total}\n`);
}

/**
 * Setup is not measured, so a 503 (the Fabric CA or the ledger not answering in time on
 * a loaded machine) is retried a few times with a pause; any other refusal stops the run.
 */
async function setupRetry<T>(call: () => Promise<T>, attempts = 6): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 503) || i >= attempts) throw err;
      await sleep(2000 * i);
    }
  }
}

/**
 * The same for a setup transaction through the adapter: retried when the ledger did
 * not answer (LedgerUnavailable); ALREADY_EXISTS after such a retry means the first
 * attempt did commit.
 */
export async function ledgerSetupRetry(call: () => Promise<unknown>, attempts = 6): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      await call();
      return;
    } catch (err) {
      if (i > 1 && err instanceof LedgerRefusal && err.code === 'ALREADY_EXISTS') return;
      if (!(err instanceof LedgerUnavailable) || i >= attempts) throw err;
      await sleep(2000 * i);
    }
  }
}

/** Tokens of households h00000.. (count of them), registering those not yet known. */
export async function ensureRestHouseholds(api: GatewayApi, adminToken: string, dataDir: string, count: number, concurrency: number): Promise<string[]> {
  const file = path.join(dataDir, 'bench-households.json');
  const tokens: Record<string, string> = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  const missing = Array.from({ length: count }, (_, i) => restHouseholdId(i)).filter((id) => !tokens[id]);
  if (missing.length > 0) process.stderr.write(`[bench] registering ${missing.length} households through REST ...\n`);
  let done = 0;
  try {
    await forEachLimited(missing, concurrency, async (id) => {
      const { token } = await setupRetry(() => api.registerParticipant(adminToken, { id, name: `Bench household ${id}`, kind: 'prosumer', pvKwp: 3 }));
      tokens[id] = token;
      progress('registered', ++done, missing.length);
    });
  } finally {
    writeFileSync(file, JSON.stringify(tokens), { mode: 0o600 });
  }
  return Array.from({ length: count }, (_, i) => tokens[restHouseholdId(i)] as string);
}

/** Identities of households k00000.. (count of them), registered by the NA through the adapter. */
export async function ensureCloseHouseholds(session: AdapterSession, dataDir: string, count: number, concurrency: number): Promise<LedgerIdentity[]> {
  const file = path.join(dataDir, 'bench-close-households.json');
  const known: Record<string, LedgerIdentity> = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, LedgerIdentity>) : {};
  const missing = Array.from({ length: count }, (_, i) => closeHouseholdId(i)).filter((id) => !known[id]);
  if (missing.length > 0) process.stderr.write(`[bench] registering ${missing.length} households for the close through the adapter ...\n`);
  let done = 0;
  try {
    await forEachLimited(missing, concurrency, async (id) => {
      const issued = await issueIdentity(session.ca, { commonName: id });
      const identity: LedgerIdentity = { label: id, mspId: session.mspId, ...issued };
      const profile = { id, name: `Bench household ${id}`, kind: 'prosumer', pvWp: 3000, identity: identityKey(session.mspId, issued.certificate) };
      await ledgerSetupRetry(() => session.submit(session.na, 'participants', 'Register', JSON.stringify(profile)));
      known[id] = identity;
      progress('registered', ++done, missing.length);
    });
  } finally {
    writeFileSync(file, JSON.stringify(known), { mode: 0o600 });
  }
  return Array.from({ length: count }, (_, i) => known[closeHouseholdId(i)] as LedgerIdentity);
}

/**
 * Identities for the diagnostics baselines (Touch writes state, so the chaincode
 * takes it only from certificates with ecch.role=bench): issued by the same CA,
 * bound to no participant.
 */
export async function benchIdentities(session: AdapterSession, count: number): Promise<LedgerIdentity[]> {
  const out: LedgerIdentity[] = [];
  for (let i = 0; i < count; i++) {
    const id = `bench-${String(i).padStart(5, '0')}`;
    const issued = await issueIdentity(session.ca, { commonName: id, attrs: { 'ecch.role': 'bench' } });
    out.push({ label: id, mspId: session.mspId, ...issued });
  }
  return out;
}

/**
 * Test support for the suites that run against the real Fabric network started by
 * global-setup: its connection file, network.sh (stop-node / start-node), direct
 * fabric-gateway sessions on any peer, blocks read back through qscc (as a peer or
 * admin: clients may not read blocks, see configtx.yaml's ACLs), the Raft
 * leader, and a lock that keeps the suites from running against the network at the
 * same time (a suite that stops nodes must not pull them from under another).
 */
import 'reflect-metadata'; // @peculiar/x509 (tsyringe) needs the polyfill loaded first
import { execFile } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import { connect, type Contract, type Gateway, type Network, signers } from '@hyperledger/fabric-gateway';
import { common, peer } from '@hyperledger/fabric-protos';
import * as x509 from '@peculiar/x509';
import { FABRIC_ATTR_OID } from '@ecch/gateway-api/identity/issuer';
import type { LedgerIdentity } from '@ecch/gateway-api/ledger/port';
import { NETWORK_SH, REPO_ROOT } from '../global-setup';

interface PathPair {
  certPath: string;
  keyPath: string;
}

/** An identity registered at a Fabric CA: its enrolment id and the file holding its secret. */
export interface EnrolmentSecret {
  enrollmentId: string;
  secretPath: string;
}

/** An application org's Fabric CA server (network/README.md, "Fabric CA"). */
export interface FabricCaInfo {
  url: string;
  caName: string;
  /** The PEM a client trusts for the CA server's TLS certificate. */
  tlsCACertPath: string;
  bootstrap: EnrolmentSecret;
}

/** The parts of connection.json (schema ecch-network/v1) the suites read. */
export interface NetworkConnection {
  channel: string;
  chaincode: { name: string; endorsementPolicy: string };
  naAttribute: { name: string; value: string };
  /** `registrar` and `na`: identities registered at the Community CA for the gateway-api. */
  gateway: { peer: string; mspId: string; registrar?: EnrolmentSecret; na?: EnrolmentSecret };
  /** `fabricCa`: CommunityMSP and GridMSP only. */
  orgs: Record<string, { mspId: string; ca: PathPair; fabricCa?: FabricCaInfo; admin: PathPair & { mspPath?: string; tlsClientCertPath?: string; tlsClientKeyPath?: string } }>;
  peers: Record<string, { mspId: string; endpoint: string; hostnameOverride: string; tlsCACertPath: string }>;
  orderers: Record<string, { endpoint: string; adminEndpoint: string; hostnameOverride: string; tlsCACertPath: string }>;
  tools: { fabricBinDir: string; fabricCfgPath?: string };
}

export function connectionFile(): string {
  const file = process.env.ECCH_NETWORK_CONNECTION;
  if (!file) throw new Error('ECCH_NETWORK_CONNECTION is not set: run with `jest --selectProjects network` (global-setup starts the network)');
  return file;
}

/** connection.json with every `…Path` / `…Dir` field made absolute (relative ones are relative to the file). */
export function loadConnection(): NetworkConnection {
  const file = connectionFile();
  const resolve = (value: unknown, key = ''): unknown => {
    if (typeof value === 'string') return /(Path|Dir)$/.test(key) ? path.resolve(path.dirname(file), value) : value;
    if (Array.isArray(value)) return value.map((v) => resolve(v));
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, k)]));
    return value;
  };
  return resolve(JSON.parse(readFileSync(file, 'utf8'))) as NetworkConnection;
}

/** The run directory the network lives in (ECCH_RUN_DIR, or network/.run). */
export function runDir(): string {
  return path.dirname(connectionFile());
}

export interface ScriptResult {
  code: number;
  output: string;
}

/** Runs network.sh with the same environment global-setup used (ECCH_RUN_DIR, ECCH_PORT_BASE). */
export function networkScript(...args: string[]): Promise<ScriptResult> {
  return new Promise((resolve) => {
    execFile('bash', [NETWORK_SH, ...args], { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024, timeout: 120_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** network.sh that must succeed: throws with its output otherwise. */
export async function mustRun(...args: string[]): Promise<string> {
  const r = await networkScript(...args);
  if (r.code !== 0) throw new Error(`network.sh ${args.join(' ')} failed (exit ${r.code}):\n${r.output}`);
  return r.output;
}

/** Retries `fn` until it resolves, or throws its last error (prefixed with `what`) after `timeoutMs`. */
export async function eventually<T>(what: string, fn: () => Promise<T>, timeoutMs = 30_000, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`${what} (not within ${timeoutMs} ms): ${(err as Error).message}`);
      await sleep(intervalMs);
    }
  }
}

// ------------------------------------------------------------------ suite lock

/**
 * One suite at a time against the network: CI runs jest with two workers, and a suite
 * that stops an orderer or a peer would otherwise fail whatever another suite is doing.
 * A directory created atomically in the run directory; a holder that died is detected
 * by its pid and its lock taken over.
 */
export async function acquireNetworkLock(holder: string, timeoutMs = 9 * 60_000): Promise<() => Promise<void>> {
  const dir = path.join(runDir(), 'test-suite.lock');
  const ownerFile = path.join(dir, 'owner.json');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fs.mkdir(dir);
      await fs.writeFile(ownerFile, JSON.stringify({ pid: process.pid, holder }));
      return async () => {
        const owner = await readOwner(ownerFile);
        if (owner?.pid === process.pid) await fs.rm(dir, { recursive: true, force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = await readOwner(ownerFile);
    const stat = await fs.stat(dir).catch(() => undefined);
    // A jest worker runs one suite at a time: a lock held by this very process was left by an
    // earlier suite of this worker that could not release it.
    const orphan = owner ? owner.pid === process.pid || !alive(owner.pid) : stat !== undefined && Date.now() - stat.mtimeMs > 30_000;
    if (orphan) {
      await fs.rm(dir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`the network is held by another suite (${owner?.holder ?? 'unknown'}, pid ${owner?.pid ?? '?'}) for over ${timeoutMs} ms`);
    await sleep(250);
  }
}

async function readOwner(file: string): Promise<{ pid: number; holder: string } | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as { pid: number; holder: string };
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// ------------------------------------------------------------------ sessions

export interface Session {
  client: grpc.Client;
  gateway: Gateway;
  network: Network;
  contract: Contract;
  close(): void;
}

export interface SignerIdentity {
  mspId: string;
  certificate: string | Buffer;
  privateKey: string | Buffer;
}

/** A fabric-gateway connection to one peer's Gateway, signing as `who`. */
export function openSession(conn: NetworkConnection, peerName: string, who: SignerIdentity | LedgerIdentity): Session {
  const p = conn.peers[peerName];
  const client = new grpc.Client(p.endpoint, grpc.credentials.createSsl(readFileSync(p.tlsCACertPath)), {
    'grpc.ssl_target_name_override': p.hostnameOverride,
    'grpc.max_receive_message_length': 100 * 1024 * 1024,
  });
  const gateway = connect({
    client,
    identity: { mspId: who.mspId, credentials: Buffer.from(who.certificate) },
    signer: signers.newPrivateKeySigner(createPrivateKey(who.privateKey)),
    evaluateOptions: () => ({ deadline: Date.now() + 10_000 }),
    endorseOptions: () => ({ deadline: Date.now() + 30_000 }),
    submitOptions: () => ({ deadline: Date.now() + 15_000 }),
    commitStatusOptions: () => ({ deadline: Date.now() + 60_000 }),
  });
  const network = gateway.getNetwork(conn.channel);
  return {
    client,
    gateway,
    network,
    contract: network.getContract(conn.chaincode.name),
    close: () => {
      gateway.close();
      client.close();
    },
  };
}

/** The org Admin of the peer's organisation (cryptogen's), e.g. for qscc. */
export function adminOf(conn: NetworkConnection, peerName: string): SignerIdentity {
  const org = conn.orgs[conn.peers[peerName].mspId];
  return { mspId: org.mspId, certificate: readFileSync(org.admin.certPath), privateKey: readFileSync(org.admin.keyPath) };
}

/**
 * The peer's own node identity (cryptogen's `peers/<fqdn>/msp`, next to the org's
 * `users/Admin@<domain>/msp` that connection.json names): what the peer signs gossip and
 * its Deliver requests to the orderers with.
 */
export function peerNodeIdentity(conn: NetworkConnection, peerName: string): SignerIdentity {
  const p = conn.peers[peerName];
  const adminMsp = conn.orgs[p.mspId].admin.mspPath;
  if (!adminMsp) throw new Error(`connection.json names no admin mspPath for ${p.mspId}`);
  const msp = path.join(path.resolve(adminMsp, '..', '..', '..'), 'peers', p.hostnameOverride, 'msp');
  return {
    mspId: p.mspId,
    certificate: readFileSync(path.join(msp, 'signcerts', `${p.hostnameOverride}-cert.pem`)),
    privateKey: readFileSync(path.join(msp, 'keystore', 'priv_sk')),
  };
}

export const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');

// ------------------------------------------------------------------ blocks

/** The peer's ledger height (number of blocks), through qscc: `s` must sign as a peer or admin. */
export async function chainHeight(s: Session, channel: string): Promise<bigint> {
  const info = common.BlockchainInfo.deserializeBinary(await s.network.getContract('qscc').evaluateTransaction('GetChainInfo', channel));
  return BigInt(info.getHeight());
}

export interface CommittedEvent {
  blockNumber: bigint;
  txId: string;
  name: string;
}

/**
 * The chaincode events of the valid transactions in blocks [from, to], in commit order,
 * read from the blocks themselves (qscc GetBlockByNumber, so `s` signs as a peer or
 * admin): the truth the event stream is compared with.
 */
export async function committedEvents(s: Session, channel: string, chaincode: string, from: bigint, to: bigint): Promise<CommittedEvent[]> {
  const events: CommittedEvent[] = [];
  const qscc = s.network.getContract('qscc');
  for (let n = from; n <= to; n += 1n) {
    const block = common.Block.deserializeBinary(await qscc.evaluateTransaction('GetBlockByNumber', channel, n.toString()));
    const filter = block.getMetadata()!.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER];
    block.getData()!.getDataList_asU8().forEach((envelopeBytes, index) => {
      if (filter[index] !== peer.TxValidationCode.VALID) return;
      const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(envelopeBytes).getPayload_asU8());
      const header = common.ChannelHeader.deserializeBinary(payload.getHeader()!.getChannelHeader_asU8());
      if (header.getType() !== common.HeaderType.ENDORSER_TRANSACTION) return;
      for (const action of peer.Transaction.deserializeBinary(payload.getData_asU8()).getActionsList()) {
        const endorsed = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8()).getAction()!;
        const response = peer.ProposalResponsePayload.deserializeBinary(endorsed.getProposalResponsePayload_asU8());
        const eventBytes = peer.ChaincodeAction.deserializeBinary(response.getExtension_asU8()).getEvents_asU8();
        if (eventBytes.length === 0) continue;
        const event = peer.ChaincodeEvent.deserializeBinary(eventBytes);
        if (event.getChaincodeId() === chaincode) events.push({ blockNumber: n, txId: header.getTxId(), name: event.getEventName() });
      }
    });
  }
  return events;
}

// ------------------------------------------------------------------ orderers

export interface OrdererChannelInfo {
  name: string;
  status: string;
  consensusRelation: string;
  height: number;
}

/** `osnadmin channel list --channelID` on one orderer (mutual TLS as the orderer org Admin). */
export function osnadminInfo(conn: NetworkConnection, orderer: string): Promise<OrdererChannelInfo> {
  const admin = conn.orgs.OrdererMSP.admin;
  const o = conn.orderers[orderer];
  const args = [
    'channel', 'list', '--channelID', conn.channel, '-o', o.adminEndpoint,
    '--ca-file', o.tlsCACertPath, '--client-cert', admin.tlsClientCertPath!, '--client-key', admin.tlsClientKeyPath!,
  ];
  return new Promise((resolve, reject) => {
    execFile(path.join(conn.tools.fabricBinDir, 'osnadmin'), args, { timeout: 10_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`osnadmin on ${orderer}: ${err.message} ${stderr}`));
      const at = stdout.indexOf('{');
      if (at < 0) return reject(new Error(`osnadmin on ${orderer}: no JSON in ${stdout}`));
      resolve(JSON.parse(stdout.slice(at)) as OrdererChannelInfo);
    });
  });
}

/**
 * The current Raft leader of the channel, as the orderers log it
 * (`Raft leader changed: A -> B channel=ecch node=N`, etcdraft at INFO, the network's
 * default log spec): the most recent change to a non-zero leader across the three logs,
 * mapped to an orderer name through each log's own `node=` id. Undefined if the logs do
 * not say (e.g. a quieter FABRIC_LOGGING_SPEC).
 */
export async function raftLeader(conn: NetworkConnection): Promise<string | undefined> {
  const idToName = new Map<string, string>();
  let latest: { at: string; leader: string } | undefined;
  const change = new RegExp(`^(\\S+ \\S+) UTC .*Raft leader changed: \\d+ -> (\\d+) channel=${conn.channel} node=(\\d+)`);
  for (const name of Object.keys(conn.orderers)) {
    const log = await fs.readFile(path.join(runDir(), 'logs', `${name}.log`), 'utf8').catch(() => '');
    for (const line of log.split('\n')) {
      const m = change.exec(line);
      if (!m) continue;
      idToName.set(m[3], name);
      if (m[2] !== '0' && (!latest || m[1] >= latest.at)) latest = { at: m[1], leader: m[2] };
    }
  }
  return latest ? idToName.get(latest.leader) : undefined;
}

// ------------------------------------------------------------------ settling

/**
 * Waits until the peer's Gateway has endorsed `Ping` with both orgs (the AND policy)
 * without a single failure for `quietMs`. After a peer restarts, the other peer's gossip
 * can still declare the old incarnation dead a few seconds later (its stale connection
 * fails: `expireDeadMembers`), and for about a second no endorsement plan exists; a suite
 * that restarted a peer waits this out so the next one starts on a settled network.
 * Endorse only: nothing is ordered or committed.
 */
export async function waitForStableEndorsement(s: Session, chaincode: string, quietMs = 6_000, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let since = Date.now();
  let lastError = '';
  while (Date.now() - since < quietMs) {
    if (Date.now() > deadline) throw new Error(`endorsement by both orgs not stable for ${quietMs} ms within ${timeoutMs} ms: ${lastError}`);
    try {
      await s.network.getContract(chaincode, 'diagnostics').newProposal('Ping').endorse();
    } catch (err) {
      lastError = (err as Error).message;
      since = Date.now();
    }
    await sleep(250);
  }
}

/**
 * A fault suite's safety net: starts each of `nodes` that is down (start-node leaves a
 * running node alone) and, when one was restarted, waits until peer0.community's
 * endorsements are stable again, so later suites see a healthy network. Throws naming
 * every node it could not start.
 */
export async function restoreNodes(conn: NetworkConnection, nodes: string[]): Promise<void> {
  const failed: string[] = [];
  let restarted = false;
  for (const node of nodes) {
    const r = await networkScript('start-node', node);
    if (r.code !== 0) failed.push(`${node}: ${r.output.trim().split('\n').slice(-3).join(' | ')}`);
    else if (!r.output.includes('already running')) restarted = true;
  }
  if (restarted && failed.length === 0) {
    const probe = openSession(conn, 'peer0.community', adminOf(conn, 'peer0.community'));
    await waitForStableEndorsement(probe, conn.chaincode.name).finally(() => probe.close());
  }
  if (failed.length > 0) throw new Error(`could not restore nodes:\n${failed.join('\n')}`);
}

/** Fabric CA's attributes in a certificate (extension 1.2.3.4.5.6.7.8.1, what fabric-shim's ClientIdentity reads), or undefined without it. */
export function certAttrs(pem: string): Record<string, string> | undefined {
  const ext = new x509.X509Certificate(pem).getExtension(FABRIC_ATTR_OID);
  if (!ext) return undefined;
  return (JSON.parse(Buffer.from(ext.value).toString('utf8')) as { attrs: Record<string, string> }).attrs;
}

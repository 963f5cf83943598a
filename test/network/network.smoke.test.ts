/**
 * Smoke test of the real Fabric network started by global-setup: the ordering service,
 * the chaincode definition and its endorsement policy, and queries through both peers'
 * chaincode servers. Each assertion reads what the network reports (osnadmin, the
 * channel config, the _lifecycle definition, committed transactions), never our own
 * configuration files.
 */
import { execFileSync } from 'node:child_process';
import { createPrivateKey, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { connect, Contract, Gateway, Identity, Network, Signer, signers } from '@hyperledger/fabric-gateway';
import { common, msp, orderer, peer } from '@hyperledger/fabric-protos';
import { issueIdentity } from '@ecch/gateway-api/identity/issuer';
import { acquireNetworkLock } from './support/network';
import { deliveryHour } from './support/gateway';

jest.setTimeout(120_000);

interface PathPair {
  certPath: string;
  keyPath: string;
}
interface NetworkConnection {
  channel: string;
  chaincode: { name: string; endorsementPolicy: string };
  naAttribute: { name: string; value: string };
  orgs: Record<string, { mspId: string; ca: PathPair; admin: PathPair & { tlsClientCertPath?: string; tlsClientKeyPath?: string } }>;
  peers: Record<string, { mspId: string; endpoint: string; hostnameOverride: string; tlsCACertPath: string }>;
  orderers: Record<string, { endpoint: string; adminEndpoint: string; hostnameOverride: string; tlsCACertPath: string }>;
  tools: { fabricBinDir: string };
}

function loadConnection(): NetworkConnection {
  const file = process.env.ECCH_NETWORK_CONNECTION;
  if (!file) throw new Error('ECCH_NETWORK_CONNECTION is not set: run with `jest --selectProjects network` (global-setup starts the network)');
  return JSON.parse(readFileSync(file, 'utf8')) as NetworkConnection;
}

const conn = loadConnection();
const COMMUNITY = 'CommunityMSP';
const GRID = 'GridMSP';

interface Session {
  client: grpc.Client;
  gateway: Gateway;
  network: Network;
  contract: Contract;
}

function openSession(peerName: string, identity: Identity, signer: Signer): Session {
  const p = conn.peers[peerName];
  const client = new grpc.Client(p.endpoint, grpc.credentials.createSsl(readFileSync(p.tlsCACertPath)), {
    'grpc.ssl_target_name_override': p.hostnameOverride,
  });
  const gateway = connect({
    client,
    identity,
    signer,
    evaluateOptions: () => ({ deadline: Date.now() + 15_000 }),
    endorseOptions: () => ({ deadline: Date.now() + 30_000 }),
    submitOptions: () => ({ deadline: Date.now() + 15_000 }),
    commitStatusOptions: () => ({ deadline: Date.now() + 60_000 }),
  });
  const network = gateway.getNetwork(conn.channel);
  return { client, gateway, network, contract: network.getContract(conn.chaincode.name) };
}

function adminSession(peerName: string): Session {
  const org = conn.orgs[conn.peers[peerName].mspId];
  return openSession(
    peerName,
    { mspId: org.mspId, credentials: readFileSync(org.admin.certPath) },
    signers.newPrivateKeySigner(createPrivateKey(readFileSync(org.admin.keyPath))),
  );
}

function closeSession(s: Session | undefined): void {
  s?.gateway.close();
  s?.client.close();
}

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');

async function eventually<T>(what: string, fn: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`${what}: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

let community: Session;
let grid: Session;
let release: (() => Promise<void>) | undefined;

// One suite at a time on the network: the fault suite stops nodes.
beforeAll(async () => {
  release = await acquireNetworkLock('network.smoke.test.ts');
}, 10 * 60_000);
afterAll(async () => release?.());

beforeAll(() => {
  community = adminSession('peer0.community');
  grid = adminSession('peer0.grid');
});

afterAll(() => {
  closeSession(community);
  closeSession(grid);
});

describe('ordering service', () => {
  it('when each orderer is asked through osnadmin, then all three are active consenters of the channel', () => {
    const admin = conn.orgs.OrdererMSP.admin;
    const osnadmin = `${conn.tools.fabricBinDir}/osnadmin`;
    const names = Object.keys(conn.orderers);
    expect(names).toHaveLength(3);
    for (const name of names) {
      const o = conn.orderers[name];
      const out = execFileSync(osnadmin, [
        'channel', 'list', '--channelID', conn.channel, '-o', o.adminEndpoint,
        '--ca-file', o.tlsCACertPath, '--client-cert', admin.tlsClientCertPath!, '--client-key', admin.tlsClientKeyPath!,
      ], { encoding: 'utf8' });
      const info = JSON.parse(out.slice(out.indexOf('{'))) as { name: string; consensusRelation: string; status: string; height: number };
      expect({ orderer: name, name: info.name, relation: info.consensusRelation, status: info.status })
        .toEqual({ orderer: name, name: conn.channel, relation: 'consenter', status: 'active' });
      expect(info.height).toBeGreaterThan(1); // genesis + the lifecycle transactions
    }
  });

  it('when the channel config is read from a peer, then it names three etcdraft consenters: our orderers', async () => {
    const configBytes = await community.network.getContract('cscc').evaluateTransaction('GetChannelConfig', conn.channel);
    const config = common.Config.deserializeBinary(configBytes);
    const ordererGroup = config.getChannelGroup()!.getGroupsMap().get('Orderer')!;
    const consensus = orderer.ConsensusType.deserializeBinary(ordererGroup.getValuesMap().get('ConsensusType')!.getValue_asU8());
    expect(consensus.getType()).toBe('etcdraft');
    const raft = orderer.etcdraft.ConfigMetadata.deserializeBinary(consensus.getMetadata_asU8());
    const consenters = raft.getConsentersList().map((c) => `${c.getHost()}:${c.getPort()}`).sort();
    expect(consenters).toEqual(Object.values(conn.orderers).map((o) => o.endpoint).sort());
    const certs = new Set(raft.getConsentersList().map((c) => text(c.getServerTlsCert_asU8())));
    expect(certs.size).toBe(3);
  });
});

describe('chaincode definition', () => {
  it('when _lifecycle is queried, then ecch-market is committed, approved by both orgs, with AND(Community peer, Grid peer)', async () => {
    const args = new peer.lifecycle.QueryChaincodeDefinitionArgs();
    args.setName(conn.chaincode.name);
    const result = peer.lifecycle.QueryChaincodeDefinitionResult.deserializeBinary(
      await community.network.getContract('_lifecycle').evaluate('QueryChaincodeDefinition', { arguments: [args.serializeBinary()] }),
    );
    expect(Object.fromEntries(result.getApprovalsMap().toArray())).toEqual({ [COMMUNITY]: true, [GRID]: true });

    const policy = peer.ApplicationPolicy.deserializeBinary(result.getValidationParameter_asU8());
    expect(policy.getTypeCase()).toBe(peer.ApplicationPolicy.TypeCase.SIGNATURE_POLICY);
    const envelope = policy.getSignaturePolicy()!;
    const principals = envelope.getIdentitiesList().map((id) => {
      expect(id.getPrincipalClassification()).toBe(msp.MSPPrincipal.Classification.ROLE);
      const role = msp.MSPRole.deserializeBinary(id.getPrincipal_asU8());
      return { mspId: role.getMspIdentifier(), role: role.getRole() };
    });
    const rule = envelope.getRule()!;
    expect(rule.getTypeCase()).toBe(common.SignaturePolicy.TypeCase.N_OUT_OF);
    const nOutOf = rule.getNOutOf()!;
    const required = nOutOf.getRulesList().map((r) => principals[r.getSignedBy()]);
    // AND = n out of n: every listed principal must sign.
    expect(nOutOf.getN()).toBe(nOutOf.getRulesList().length);
    expect(required).toEqual(
      expect.arrayContaining([
        { mspId: COMMUNITY, role: msp.MSPRole.MSPRoleType.PEER },
        { mspId: GRID, role: msp.MSPRole.MSPRoleType.PEER },
      ]),
    );
    expect(required).toHaveLength(2);
  });
});

describe('queries', () => {
  it('when markets:List is evaluated on each peer, then both chaincode servers answer the same JSON page', async () => {
    const viaCommunity = text(await community.contract.evaluateTransaction('markets:List', '', '10', ''));
    const viaGrid = text(await grid.contract.evaluateTransaction('markets:List', '', '10', ''));
    const page = JSON.parse(viaCommunity) as { items: unknown; bookmark: unknown };
    expect(Array.isArray(page.items)).toBe(true);
    expect(typeof page.bookmark).toBe('string');
    expect(viaGrid).toBe(viaCommunity);
  });
});

describe('endorsement policy in force', () => {
  let na: Session | undefined;

  beforeAll(async () => {
    const ca = conn.orgs[COMMUNITY].ca;
    const issued = await issueIdentity(
      { certificate: readFileSync(ca.certPath, 'utf8'), privateKey: readFileSync(ca.keyPath, 'utf8') },
      { commonName: `smoke-na-${randomUUID().slice(0, 8)}`, attrs: { [conn.naAttribute.name]: conn.naAttribute.value } },
    );
    na = openSession(
      'peer0.community',
      { mspId: COMMUNITY, credentials: Buffer.from(issued.certificate) },
      signers.newPrivateKeySigner(createPrivateKey(issued.privateKey)),
    );
  });

  afterAll(() => closeSession(na));

  // A delivery hour of its own (support/gateway.ts deliveryHour), so it overlaps no other market.
  const market = (id: string): string => JSON.stringify({ id, deliveryStart: deliveryHour(), gridBuyPrice: 130000, gridSellPrice: 50000 });

  it('when the NA creates a market, then the transaction is valid, endorsed by both orgs, and both peers store the same bytes', async () => {
    const id = `smoke-${randomUUID().slice(0, 8)}`;
    const proposal = na!.contract.newProposal('markets:Create', { arguments: [market(id)] });
    const tx = await proposal.endorse();
    const status = await (await tx.submit()).getStatus();
    expect({ code: status.code, successful: status.successful }).toEqual({ code: peer.TxValidationCode.VALID, successful: true });

    const processed = peer.ProcessedTransaction.deserializeBinary(
      await community.network.getContract('qscc').evaluateTransaction('GetTransactionByID', conn.channel, tx.getTransactionId()),
    );
    expect(processed.getValidationcode()).toBe(peer.TxValidationCode.VALID);
    const payload = common.Payload.deserializeBinary(processed.getTransactionenvelope()!.getPayload_asU8());
    const action = peer.Transaction.deserializeBinary(payload.getData_asU8()).getActionsList()[0];
    const endorsers = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8())
      .getAction()!
      .getEndorsementsList()
      .map((e) => msp.SerializedIdentity.deserializeBinary(e.getEndorser_asU8()).getMspid())
      .sort();
    expect(endorsers).toEqual([COMMUNITY, GRID]);

    const viaCommunity = text(await community.contract.evaluateTransaction('markets:Get', id));
    // The Grid peer commits the same block a moment later.
    const viaGrid = await eventually('market on the Grid peer', async () => text(await grid.contract.evaluateTransaction('markets:Get', id)));
    expect(JSON.parse(viaCommunity)).toMatchObject({ id, status: 'scheduled' });
    expect(viaGrid).toBe(viaCommunity);
  });

  it('when only the Community peer endorses, then the orderers accept it but the peers invalidate it (ENDORSEMENT_POLICY_FAILURE)', async () => {
    const id = `smoke-${randomUUID().slice(0, 8)}`;
    const proposal = na!.contract.newProposal('markets:Create', { arguments: [market(id)], endorsingOrganizations: [COMMUNITY] });
    const status = await (await (await proposal.endorse()).submit()).getStatus();
    expect({ code: status.code, successful: status.successful }).toEqual({
      code: peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE,
      successful: false,
    });
    await expect(community.contract.evaluateTransaction('markets:Get', id)).rejects.toThrow(/NOT_FOUND|not found|does not exist/i);
  });
});

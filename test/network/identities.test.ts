/**
 * Identities on the real network (issue 10): the gateway enrols households at the
 * Community Fabric CA as a registrar, a self-custody household enrols its own key,
 * roles are bound to organisations by the chaincode (a Grid-org certificate with the
 * NA attribute is not the NA; a Grid-org client cannot apply), and the gateway's data
 * directory holds no CA private key.
 */
import '@ecch/gateway-api/ledger/embedded/shim-logging';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { newKeyAndCsr } from '@ecch/gateway-api/identity/csr';
import { FabricCaClient } from '@ecch/gateway-api/identity/fabric-ca-client';
import { Wallet } from '@ecch/gateway-api/identity/wallet';
import type { LedgerIdentity } from '@ecch/gateway-api/ledger/port';
import { certAttrs, loadConnection, openSession, type Session } from './support/network';
import { ADMIN, deliveryHour, removeDir, runTag, startTestGateway, tempDataDir, type TestGateway } from './support/gateway';

jest.setTimeout(120_000);

const conn = loadConnection();
const COMMUNITY = 'CommunityMSP';
const GRID = 'GridMSP';
const tag = runTag('id');

function caClient(msp: string): FabricCaClient {
  const org = conn.orgs[msp];
  if (!org.fabricCa) throw new Error(`connection.json has no fabricCa for ${msp}`);
  return new FabricCaClient({
    url: org.fabricCa.url,
    caName: org.fabricCa.caName,
    tlsCACert: readFileSync(org.fabricCa.tlsCACertPath, 'utf8'),
    caCertificate: readFileSync(org.ca.certPath, 'utf8'),
  });
}

/** The operator's move: the org CA's bootstrap admin registers an identity (with attributes) and it enrols a CSR. */
async function enrolAtOrgCa(msp: string, id: string, attributes?: Record<string, string>): Promise<LedgerIdentity> {
  const ca = caClient(msp);
  const boot = conn.orgs[msp].fabricCa!.bootstrap;
  const adminKey = await newKeyAndCsr(boot.enrollmentId);
  const adminCert = await ca.enroll(boot.enrollmentId, readFileSync(boot.secretPath, 'utf8').trim(), adminKey.csr);
  ca.useRegistrar({ certificate: adminCert, privateKey: adminKey.privateKey });
  const secret = `s-${id}-0123456789`;
  await ca.register({ enrollmentId: id, secret, maxEnrollments: 1, ...(attributes ? { attributes } : {}) });
  const mine = await newKeyAndCsr(id);
  return { label: id, mspId: msp, certificate: await ca.enroll(id, secret, mine.csr), privateKey: mine.privateKey };
}

async function refusalOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (err) {
    const details = (err as { details?: { message: string }[] }).details ?? [];
    return [String((err as Error).message), ...details.map((d) => d.message)].join(' | ');
  }
  throw new Error('expected a refusal');
}

let gw: TestGateway;
let dataDir: string;

beforeAll(async () => {
  dataDir = tempDataDir('identities');
  gw = await startTestGateway('fabric', dataDir);
});
afterAll(async () => {
  await gw?.close();
  removeDir(dataDir);
});

describe('households enrolled through the Community Fabric CA', () => {
  it('when the NA registers a custodial household, then its certificate is Fabric CA\'s (hf.EnrollmentID = its id, type client), from the Community CA', async () => {
    const id = `${tag}-c1`;
    const r = await gw.call('POST', '/v1/participants', ADMIN, { id, name: 'C1', kind: 'prosumer' });
    expect(r.status).toBe(201);
    const identity = await gw.identityOf(id);
    const cert = new X509Certificate(identity.certificate);
    expect(cert.checkIssued(new X509Certificate(readFileSync(conn.orgs[COMMUNITY].ca.certPath)))).toBe(true);
    expect(cert.subject.split('\n')).toEqual(expect.arrayContaining([`CN=${id}`, 'OU=client']));
    expect(certAttrs(identity.certificate)).toEqual(expect.objectContaining({ 'hf.EnrollmentID': id, 'hf.Type': 'client' }));
    expect((await gw.call('GET', `/v1/participants/${id}`, r.body.token)).status).toBe(200);
  });

  it('when the gateway enrolled the NA, then the NA\'s certificate carries ecch.role=na from the operator\'s registration, and the NA acts', async () => {
    const na = gw.app.gateway.identities.na;
    expect(certAttrs(na.certificate)).toEqual(expect.objectContaining({ 'ecch.role': 'na', 'hf.EnrollmentID': conn.gateway.na!.enrollmentId }));
    const created = await gw.call('POST', '/v1/markets', ADMIN, { id: `${tag}-m1`, deliveryStart: deliveryHour(), gridBuyPrice: 130000, gridSellPrice: 40000 });
    expect(created.status).toBe(201);
  });

  it('when a self-custody household enrols its CSR, then the Fabric CA signs its own key once: the same key again is answered, another key is refused', async () => {
    const id = `${tag}-s1`;
    const reg = await gw.call('POST', '/v1/participants', ADMIN, { id, name: 'S1', kind: 'prosumer', custody: 'self' });
    expect(reg.status).toBe(201);
    const { secret } = reg.body.enrolment as { secret: string };
    const mine = await newKeyAndCsr(id);
    const enrolled = await gw.call('POST', '/v1/enrolments', undefined, { participantId: id, secret, csr: mine.csr });
    expect(enrolled.status).toBe(201);
    expect(new X509Certificate(enrolled.body.certificate).checkPrivateKey(createPrivateKey(mine.privateKey))).toBe(true);
    expect(certAttrs(enrolled.body.certificate)).toEqual(expect.objectContaining({ 'hf.EnrollmentID': id }));
    // The CA allows one enrolment; the gateway answers a lost reply for the same key, not another key.
    expect((await gw.call('POST', '/v1/enrolments', undefined, { participantId: id, secret, csr: mine.csr })).status).toBe(200);
    const other = await newKeyAndCsr(id);
    const refused = await gw.call('POST', '/v1/enrolments', undefined, { participantId: id, secret, csr: other.csr });
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 401, code: 'ENROLMENT_REFUSED' });
    expect(await gw.app.gateway.identities.ofParticipant(id)).toBeUndefined();
  });
});

describe('roles bound to organisations, on both peers', () => {
  let gridNa: Session | undefined;
  let gridClient: Session | undefined;
  afterAll(() => {
    gridNa?.close();
    gridClient?.close();
  });

  it('when a Grid-org certificate enrolled with ecch.role=na creates a market, then the chaincode refuses it FORBIDDEN on either org\'s peer', async () => {
    const identity = await enrolAtOrgCa(GRID, `${tag}-grid-na`, { 'ecch.role': 'na' });
    expect(certAttrs(identity.certificate)).toEqual(expect.objectContaining({ 'ecch.role': 'na' }));
    const market = JSON.stringify({ id: `${tag}-gm`, deliveryStart: deliveryHour(), gridBuyPrice: 130000, gridSellPrice: 40000 });
    for (const peer of ['peer0.grid', 'peer0.community']) {
      gridNa = openSession(conn, peer, identity);
      expect(await refusalOf(() => gridNa!.contract.submitTransaction('markets:Create', market))).toMatch(/FORBIDDEN: only the network administrator/);
      gridNa.close();
      gridNa = undefined;
    }
  });

  it('when a Grid-org client applies as a household, then FORBIDDEN and no participant exists', async () => {
    const id = `${tag}-grid-h`;
    const identity = await enrolAtOrgCa(GRID, id);
    gridClient = openSession(conn, 'peer0.grid', identity);
    const profile = JSON.stringify({ id, name: 'Grid applicant', kind: 'consumer' });
    expect(await refusalOf(() => gridClient!.contract.submitTransaction('participants:Apply', profile))).toMatch(/FORBIDDEN: apply: households are identities of CommunityMSP/);
    expect((await gw.call('GET', `/v1/participants/${id}`, ADMIN)).status).toBe(404);
  });
});

describe('no CA key with the gateway', () => {
  it('when every file under the gateway\'s DATA_DIR is read (and every wallet record decrypted), then none holds either org CA\'s private key', async () => {
    const caKeys = [COMMUNITY, GRID].map((msp) => {
      const pem = readFileSync(conn.orgs[msp].ca.keyPath, 'utf8');
      const der = createPrivateKey(pem).export({ format: 'der', type: 'pkcs8' });
      const sec1 = createPrivateKey(pem).export({ format: 'der', type: 'sec1' });
      return { msp, needles: [pem.trim(), der.toString('base64'), sec1.toString('base64'), der, sec1] };
    });
    const wallet = await Wallet.open(dataDir, gw.app.gateway.identities.walletKey);
    const contents: { file: string; bytes: Buffer }[] = [];
    for (const entry of await fs.readdir(dataDir, { withFileTypes: true, recursive: true })) {
      if (!entry.isFile()) continue;
      const file = path.join(entry.parentPath, entry.name);
      contents.push({ file, bytes: await fs.readFile(file) });
      const rel = path.relative(path.join(dataDir, 'wallet'), file).split(path.sep);
      if (rel.length === 2 && rel[1].endsWith('.id')) {
        const record = await wallet.getRecord<unknown>(rel[0] as never, rel[1].slice(0, -'.id'.length));
        contents.push({ file: `${file} (decrypted)`, bytes: Buffer.from(JSON.stringify(record)) });
      }
    }
    expect(contents.length).toBeGreaterThan(3); // the wallet (NA, registrar, households) and the token store at least
    for (const { msp, needles } of caKeys) {
      for (const { file, bytes } of contents) {
        for (const needle of needles) {
          if (bytes.includes(needle)) throw new Error(`${file} holds the ${msp} CA private key`);
        }
      }
    }
    await expect(fs.stat(path.join(dataDir, 'ca'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

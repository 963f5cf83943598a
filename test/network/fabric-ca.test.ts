/**
 * The Fabric CA servers of the application orgs (network/README.md, "Fabric CA"), driven
 * with the `fabric-ca-client` binary from the connection file's `tools.fabricBinDir`:
 *
 * - each CA serves TLS only, with a certificate the org's TLS CA issued (what
 *   `fabricCa.tlsCACertPath` names): plain HTTP is refused, https with that trust answers
 *   /api/v1/cainfo with the org's cryptogen CA as its chain;
 * - the NA (`gateway.na`) enrols with its secret and gets a certificate signed by the
 *   Community CA certificate the MSP already trusts, `OU=client` only, with
 *   `ecch.role=na` in Fabric CA's attribute extension; the chaincode accepts it as the NA;
 * - the gateway's registrar (`gateway.registrar`) registers client identities, but not
 *   one with `ecch.role` (its hf.Registrar.Attributes is `ecch.meter` only), nor a non-client type;
 * - both bootstrap admins enrol, each signed by its own org's CA; every secret file is 0600.
 *
 * Runs against the native network and (compose-e2e.sh) the Compose one.
 */
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { promises as fs, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import {
  acquireNetworkLock,
  certAttrs,
  loadConnection,
  openSession,
  type EnrolmentSecret,
  type FabricCaInfo,
  type NetworkConnection,
  type Session,
} from './support/network';

jest.setTimeout(120_000);

const COMMUNITY = 'CommunityMSP';
const GRID = 'GridMSP';

const conn: NetworkConnection = loadConnection();
// Identity names unique across runs on a kept network (a name registers once per CA).
const tag = `fca${Date.now().toString(36)}${Math.floor(Math.random() * 36 ** 3).toString(36)}`;
let release: (() => Promise<void>) | undefined;
let tmp: string;
const sessions: Session[] = [];

beforeAll(async () => {
  release = await acquireNetworkLock('fabric-ca.test.ts');
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'ecch-fabric-ca-'));
}, 10 * 60_000);

afterAll(async () => {
  for (const s of sessions) s.close();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  await release?.();
});

function fabricCa(msp: string): FabricCaInfo {
  const ca = conn.orgs[msp]?.fabricCa;
  if (!ca) throw new Error(`connection.json has no orgs.${msp}.fabricCa`);
  return ca;
}

function gatewayIdentity(which: 'registrar' | 'na'): EnrolmentSecret {
  const id = conn.gateway[which];
  if (!id) throw new Error(`connection.json has no gateway.${which}`);
  return id;
}

const secretOf = (id: EnrolmentSecret): string => readFileSync(id.secretPath, 'utf8').trim();

interface CaClientResult {
  code: number;
  output: string;
}

/** fabric-ca-client COMMAND against `msp`'s CA with `home` as its home; never throws. */
function caClient(msp: string, home: string, args: string[], env: Record<string, string> = {}): Promise<CaClientResult> {
  const ca = fabricCa(msp);
  const bin = path.join(conn.tools.fabricBinDir, 'fabric-ca-client');
  const full = [...args, '-H', home, '--caname', ca.caName, '--tls.certfiles', ca.tlsCACertPath];
  return new Promise((resolve) => {
    execFile(bin, full, { env: { ...process.env, ...env }, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** Enrols `id` with `secret` at `msp`'s CA into a fresh home; returns its certificate and key (PEM). */
async function enrol(msp: string, id: string, secret: string): Promise<{ home: string; certificate: string; privateKey: string }> {
  const home = await fs.mkdtemp(path.join(tmp, `${id}-`));
  const url = new URL(fabricCa(msp).url);
  url.username = id;
  url.password = secret;
  // The URL (with the secret) through the environment rather than argv; no CSR names, so
  // the subject is just the CA's OU=client and CN=<id>.
  const r = await caClient(msp, home, ['enroll', '--csr.names', ''], { FABRIC_CA_CLIENT_URL: url.toString().replace(/\/$/, '') });
  if (r.code !== 0) throw new Error(`enrol ${id} at ${msp}'s CA failed (exit ${r.code}):\n${r.output}`);
  const certificate = await fs.readFile(path.join(home, 'msp', 'signcerts', 'cert.pem'), 'utf8');
  const keystore = path.join(home, 'msp', 'keystore');
  const [keyFile] = (await fs.readdir(keystore)).filter((f) => f.endsWith('_sk'));
  return { home, certificate, privateKey: await fs.readFile(path.join(keystore, keyFile), 'utf8') };
}

/** Registers `id` as a client at the Community CA, signing as the identity enrolled in `home`. */
function register(home: string, id: string, extra: string[] = []): Promise<CaClientResult> {
  return caClient(COMMUNITY, home, ['register', '-u', fabricCa(COMMUNITY).url, '--id.name', id, '--id.affiliation', '.', ...extra]);
}

/** The subject's relative distinguished names, e.g. [['OU', 'client'], ['CN', 'ecch-na']]. */
function subjectNames(cert: X509Certificate): [string, string][] {
  return cert.subject.split('\n').map((line) => {
    const eq = line.indexOf('=');
    return [line.slice(0, eq), line.slice(eq + 1)];
  });
}

interface HttpAnswer {
  status: number;
  body: string;
  /** The server's TLS certificate (https only). */
  peerCertificate?: X509Certificate;
}

function get(url: string, options: https.RequestOptions = {}): Promise<HttpAnswer> {
  const lib = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    // agent: false: a connection of its own, no TLS session resumed from an earlier request
    // (a resumed session need not carry the server's certificate).
    const req = lib.get(url, { ...options, agent: false, timeout: 10_000 }, (res) => {
      const socket = res.socket as { getPeerX509Certificate?: () => X509Certificate | undefined };
      const peerCertificate = socket.getPeerX509Certificate?.();
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, peerCertificate }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

describe.each([COMMUNITY, GRID])('%s Fabric CA', (msp) => {
  it('when asked over plain HTTP, then it does not serve the CA; over https trusting tlsCACertPath, then /api/v1/cainfo names the CA and its chain is the org CA', async () => {
    const ca = fabricCa(msp);
    expect(ca.url).toMatch(/^https:\/\//);
    const plain = ca.url.replace(/^https:/, 'http:');
    const answer = await get(`${plain}/api/v1/cainfo`).catch((err: Error) => ({ status: 0, body: err.message }));
    // Go's TLS listener answers a plain-HTTP request with 400 and no CA content.
    expect(answer.status === 0 || answer.status === 400).toBe(true);
    expect(answer.body).not.toContain('CAName');

    // The server's certificate is not one a default trust store accepts ...
    await expect(get(`${ca.url}/api/v1/cainfo`)).rejects.toThrow(/certificate/i);
    // ... but the org's TLS CA, as connection.json names it, is.
    const info = await get(`${ca.url}/api/v1/cainfo`, { ca: readFileSync(ca.tlsCACertPath) });
    expect(info.status).toBe(200);
    const result = (JSON.parse(info.body) as { success: boolean; result: { CAName: string; CAChain: string } });
    expect(result.success).toBe(true);
    expect(result.result.CAName).toBe(ca.caName);
    const chain = new X509Certificate(Buffer.from(result.result.CAChain, 'base64').toString('utf8'));
    expect(chain.fingerprint256).toBe(new X509Certificate(readFileSync(conn.orgs[msp].ca.certPath)).fingerprint256);
    // Its TLS certificate comes from the org's TLS CA (not from the signing CA) and names 127.0.0.1.
    const tlsCa = new X509Certificate(readFileSync(ca.tlsCACertPath));
    expect(info.peerCertificate?.checkIssued(tlsCa)).toBe(true);
    expect(info.peerCertificate?.checkIP('127.0.0.1')).toBe('127.0.0.1');
  });

  it('when the bootstrap admin enrols with its secret (a 0600 file), then its certificate is signed by the org CA', async () => {
    const ca = fabricCa(msp);
    expect(ca.bootstrap.enrollmentId).toBe('admin');
    expect((await fs.stat(ca.bootstrap.secretPath)).mode & 0o777).toBe(0o600);
    const admin = await enrol(msp, ca.bootstrap.enrollmentId, secretOf(ca.bootstrap));
    const cert = new X509Certificate(admin.certificate);
    const orgCa = new X509Certificate(readFileSync(conn.orgs[msp].ca.certPath));
    expect(cert.checkIssued(orgCa)).toBe(true);
    expect(cert.verify(orgCa.publicKey)).toBe(true);
  });
});

describe('the identities registered for the gateway-api at the Community CA', () => {
  it('when the NA enrols with its secret, then the certificate is issued by the Community CA certificate, OU=client only, ecch.role=na in 1.2.3.4.5.6.7.8.1', async () => {
    const na = gatewayIdentity('na');
    expect(na.enrollmentId).toBe('ecch-na');
    expect((await fs.stat(na.secretPath)).mode & 0o777).toBe(0o600);
    const issued = await enrol(COMMUNITY, na.enrollmentId, secretOf(na));
    const cert = new X509Certificate(issued.certificate);
    const communityCa = new X509Certificate(readFileSync(conn.orgs[COMMUNITY].ca.certPath));
    expect(cert.checkIssued(communityCa)).toBe(true);
    expect(cert.verify(communityCa.publicKey)).toBe(true);
    expect(subjectNames(cert)).toEqual([['OU', 'client'], ['CN', 'ecch-na']]);
    expect(certAttrs(issued.certificate)).toMatchObject({ [conn.naAttribute.name]: conn.naAttribute.value, 'hf.EnrollmentID': 'ecch-na', 'hf.Type': 'client' });
    expect(certAttrs(issued.certificate)?.['ecch.role']).toBe('na');
  });

  it('when the NA\'s Fabric CA certificate signs an NA-only query, then the Community MSP accepts it and the chaincode treats it as the NA', async () => {
    const issued = await enrol(COMMUNITY, gatewayIdentity('na').enrollmentId, secretOf(gatewayIdentity('na')));
    const s = openSession(conn, 'peer0.community', { mspId: COMMUNITY, certificate: issued.certificate, privateKey: issued.privateKey });
    sessions.push(s);
    const page = JSON.parse(Buffer.from(await s.contract.evaluateTransaction('participants:List', '', '1', '')).toString('utf8')) as { items: unknown[] };
    expect(Array.isArray(page.items)).toBe(true);
  });

  it('when the registrar registers a client identity, then it is registered and enrols as OU=client without ecch.role; with ecch.role=na or as a peer, then it is refused', async () => {
    const registrar = gatewayIdentity('registrar');
    expect(registrar.enrollmentId).toBe('ecch-gateway');
    expect((await fs.stat(registrar.secretPath)).mode & 0o777).toBe(0o600);
    const gw = await enrol(COMMUNITY, registrar.enrollmentId, secretOf(registrar));
    // Its registrar powers are not in its certificate (no ecert attributes but Fabric CA's own).
    expect(Object.keys(certAttrs(gw.certificate) ?? {}).filter((k) => !k.startsWith('hf.'))).toEqual([]);

    const household = `${tag}-h1`;
    const ok = await register(gw.home, household, ['--id.type', 'client']);
    expect(ok.code).toBe(0);
    const secret = /^Password: (\S+)$/m.exec(ok.output)?.[1];
    expect(secret).toBeDefined();
    const issued = await enrol(COMMUNITY, household, secret!);
    const cert = new X509Certificate(issued.certificate);
    expect(cert.checkIssued(new X509Certificate(readFileSync(conn.orgs[COMMUNITY].ca.certPath)))).toBe(true);
    expect(subjectNames(cert)).toEqual([['OU', 'client'], ['CN', household]]);
    expect(certAttrs(issued.certificate)?.['ecch.role']).toBeUndefined();

    const mint = await register(gw.home, `${tag}-na`, ['--id.type', 'client', '--id.attrs', 'ecch.role=na:ecert']);
    expect(mint.code).not.toBe(0);
    expect(mint.output).toMatch(/Authorization failure|does not have authority/);
    const plainAttr = await register(gw.home, `${tag}-na2`, ['--id.type', 'client', '--id.attrs', 'ecch.role=na']);
    expect(plainAttr.code).not.toBe(0);
    const peer = await register(gw.home, `${tag}-peer`, ['--id.type', 'peer']);
    expect(peer.code).not.toBe(0);

    // None of the refused identities exists (the bootstrap admin can see every identity).
    const ca = fabricCa(COMMUNITY);
    const admin = await enrol(COMMUNITY, ca.bootstrap.enrollmentId, secretOf(ca.bootstrap));
    for (const id of [`${tag}-na`, `${tag}-na2`, `${tag}-peer`]) {
      const r = await caClient(COMMUNITY, admin.home, ['identity', 'list', '-u', ca.url, '--id', id]);
      expect(r.code).not.toBe(0);
    }
    const listed = await caClient(COMMUNITY, admin.home, ['identity', 'list', '-u', ca.url, '--id', household]);
    expect(listed.code).toBe(0);
    expect(listed.output).toMatch(new RegExp(`Name: ${household}, Type: client, Affiliation: ,`));
  });
});

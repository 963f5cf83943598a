/**
 * A meter enrolled at the Community CA: meterCsr asks for a certificate for the meter's
 * own key (CN = `<meterId>@meter`), and `meter enrol` (tsx in a child process, against a
 * real gateway over the embedded ledger and its in-process CA) stores the CA-issued
 * certificate beside the untouched key, so `register` and `sign` then use it.
 */
import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { createPublicKey, webcrypto, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as x509 from '@peculiar/x509';
import type { FastifyInstance } from 'fastify';
import { readCsr } from '@ecch/gateway-api/identity/csr';
import { createMeter, meterCsr, verifyReading } from '@ecch/simulator/meter';
import { ADMIN, openGateway, registerHousehold, removeDir, tempDataDir } from '../gateway/support/gateway';

x509.cryptoProvider.set(webcrypto as never);
const exec = promisify(execFile);
const ROOT = join(__dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');

jest.setTimeout(180_000);

async function meter(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(TSX, ['simulator/src/cli/meter.ts', ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const spki = (pem: string) => createPublicKey(pem).export({ format: 'der', type: 'spki' }).toString('hex');

describe('meterCsr', () => {
  it("is a PKCS#10 request for the meter's own key with CN = <meterId>@meter, signed by that key", async () => {
    const m = await createMeter('m-csr1');
    const facts = await readCsr(await meterCsr(m)); // checks the self-signature and P-256
    expect(facts.commonName).toBe('m-csr1@meter');
    const csrKey = Buffer.from(await webcrypto.subtle.exportKey('spki', facts.publicKey)).toString('hex');
    expect(csrKey).toBe(spki(m.certificatePem));
  });

  it('needs the private key', async () => {
    const m = await createMeter('m-csr2');
    await expect(meterCsr({ ...m, privateKeyPem: undefined })).rejects.toThrow(/no private key/);
  });
});

describe('meter enrol', () => {
  let dataDir: string;
  let keys: string;
  let app: FastifyInstance;
  let url: string;
  beforeAll(async () => {
    dataDir = tempDataDir();
    keys = mkdtempSync(join(tmpdir(), 'meter-enrol-'));
    app = await openGateway(dataDir);
    await registerHousehold(app, 'ce-h1');
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app.close();
    removeDir(dataDir);
    rmSync(keys, { recursive: true, force: true });
  });

  it('stores the CA-issued certificate beside the untouched key; register and sign then use it', async () => {
    expect((await meter('init', '--meter', 'm-ce1', '--dir', keys)).code).toBe(0);
    const keyBefore = readFileSync(join(keys, 'm-ce1.key.pem'), 'utf8');
    const selfSigned = readFileSync(join(keys, 'm-ce1.cert.pem'), 'utf8');

    const r = await meter('enrol', '--meter', 'm-ce1', '--dir', keys, '--gateway-url', url, '--admin-token', ADMIN);
    expect(r).toMatchObject({ code: 0 });
    expect(r.stdout.trim()).toBe(join(keys, 'm-ce1.cert.pem'));
    const issued = readFileSync(join(keys, 'm-ce1.cert.pem'), 'utf8');
    expect(issued).not.toBe(selfSigned);
    expect(readFileSync(join(keys, 'm-ce1.key.pem'), 'utf8')).toBe(keyBefore);
    expect(spki(issued)).toBe(spki(selfSigned));
    expect(new X509Certificate(issued).checkIssued(new X509Certificate(app.gateway.identities.caCertificate))).toBe(true);
    const ext = new x509.X509Certificate(issued).getExtension('1.2.3.4.5.6.7.8.1');
    expect(JSON.parse(Buffer.from(ext!.value).toString('utf8'))).toEqual({ attrs: { 'ecch.meter': 'm-ce1' } });

    const reg = await meter('register', '--meter', 'm-ce1', '--dir', keys, '--participant', 'ce-h1', '--gateway-url', url, '--admin-token', ADMIN);
    expect(reg.code).toBe(0);
    expect(JSON.parse(reg.stdout)).toMatchObject({ meterId: 'm-ce1', certificate: issued });

    const signed = await meter('sign', '--meter', 'm-ce1', '--dir', keys, '--interval-start', '2026-06-21T10:00:00Z', '--import-wh', '0', '--export-wh', '5', '--seq', '1');
    expect(signed.code).toBe(0);
    const { reading, signature } = JSON.parse(signed.stdout);
    expect(verifyReading(reading, signature, issued)).toBe(true);
  });

  it('without the NA token it is refused and the certificate file is unchanged', async () => {
    expect((await meter('init', '--meter', 'm-ce2', '--dir', keys)).code).toBe(0);
    const before = readFileSync(join(keys, 'm-ce2.cert.pem'), 'utf8');
    const r = await meter('enrol', '--meter', 'm-ce2', '--dir', keys, '--gateway-url', url, '--admin-token', 'not-the-token-0123456789abcdefghijkl');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/UNAUTHENTICATED|FORBIDDEN/);
    expect(readFileSync(join(keys, 'm-ce2.cert.pem'), 'utf8')).toBe(before);
  });
});
